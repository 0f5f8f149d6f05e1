export { jwksRoute } from './jwks';
export type { VerifiedLaunch, Lti11OutcomeTarget, AgsOutcomeTarget } from './launch';
export { recordLtiEvent, recentLtiEvents, LtiEventModel, type LtiEvent, type NewLtiEvent } from './diagnostics';
