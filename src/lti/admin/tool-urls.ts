/** The endpoints an LMS admin pastes into their platform, in the order the setup guide uses them. */
export const TOOL_ENDPOINTS = [
  { id: 'launch', path: '/lti/launch' },
  { id: 'login', path: '/lti/login' },
  { id: 'jwks', path: '/lti/jwks' },
  { id: 'configXml', path: '/lti/config.xml' },
  { id: 'configJson', path: '/lti/config.json' },
  { id: 'register', path: '/lti/register' },
] as const;

export type ToolEndpointId = (typeof TOOL_ENDPOINTS)[number]['id'];

export function toolUrls(baseUrl: string): { id: ToolEndpointId; url: string }[] {
  const base = baseUrl.replace(/\/+$/, '');
  return TOOL_ENDPOINTS.map((endpoint) => ({ id: endpoint.id, url: `${base}${endpoint.path}` }));
}
