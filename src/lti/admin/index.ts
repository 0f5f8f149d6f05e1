export { ltiAdminRoutes } from './routes';
export { toolUrls, TOOL_ENDPOINTS, type ToolEndpointId } from './tool-urls';
export { redactForDisplay } from './redact';
