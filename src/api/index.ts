export { apiRoutes } from './routes';
export { createApiToken, authenticateApiToken, revokeApiToken, listApiTokens, ApiTokenModel, type ApiToken } from './tokens';
