export { registerLti11Strategy } from './strategy';
export { verifyLti11Launch, type Lti11RefusalReason } from './verify';
export {
  createConsumer,
  listConsumers,
  findConsumer,
  consumerWithSecret,
  setConsumerDisabled,
  consumerOrigins,
  findConsumerOrigin,
  ConsumerExistsError,
  LtiConsumerModel,
  type LtiConsumer,
  type ConsumerInput,
} from './consumers';
export { LtiNonceModel, sweepExpiredNonces } from './nonces';
export { signOutgoing } from './oauth';
export { lti11Routes } from './routes';
export { sendLti11Outcome, Lti11OutcomeError, type Lti11OutcomeAnswer } from './outcomes';
export { buildContentItemSelectionResponse, type ContentItemChoice, type SignedFormPost } from './content-item';
