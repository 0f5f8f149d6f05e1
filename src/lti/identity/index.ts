export { resolveLaunchUser } from './resolve';
export { IdentityLinkModel, type IdentityLink } from './store';
