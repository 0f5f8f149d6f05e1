export { registerLti13Strategy, type Lti13StrategyOptions } from './strategy';
export { verifyLti13Launch, type Lti13RefusalReason, type Lti13Verdict } from './verify';
export { lti13Routes } from './routes';
export { lti13AdminRoutes } from './admin-routes';
export {
  addPlatform,
  addDeployment,
  listPlatforms,
  findPlatformById,
  removePlatform,
  platformOrigins,
  providerOf,
  PlatformModel,
  PlatformExistsError,
  PlatformInputError,
  type Platform,
  type PlatformInput,
} from './platforms';
export { LoginStateModel, UsedNonceModel } from './login';
export { createRegistrationUrl, RegistrationInviteModel } from './registration';
export { postAgsScore, type AgsScore, type AgsAnswer } from './ags';
export { serviceToken, type ServiceOptions } from './service-token';
export { toolConfiguration } from './tool-configuration';
