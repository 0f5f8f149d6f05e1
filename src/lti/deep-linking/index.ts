export { deepLinkingRoutes } from './routes';
export { answerDeepLinking, DeepLinkingError } from './service';
export { buildDeepLinkingResponse, SCORE_MAXIMUM, type PickedModule, type FormPost } from './response';
