export { jwksRoute } from './jwks';
export { ltiLaunchRoutes, type LaunchRefusal } from './routes';
export { completeLaunch } from './complete-launch';
export type { VerifiedLaunch, Lti11OutcomeTarget, AgsOutcomeTarget } from './launch';
export { recordLtiEvent, recentLtiEvents, LtiEventModel, type LtiEvent, type NewLtiEvent } from './diagnostics';
