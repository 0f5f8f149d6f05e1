import { SCOPES } from './claims';

/** The scopes Shixun asks platforms for: grade passback (AGS) and course rosters (NRPS). */
export const TOOL_SCOPES = [SCOPES.lineItem, SCOPES.resultReadOnly, SCOPES.score, SCOPES.memberships] as const;

export const TOOL_TITLE = 'Shixun 师训';
const DESCRIPTION = 'Teacher training: homeroom, in-service, ethics and school-safety modules with credit hours and certificates.';

export function toolUrls(baseUrl: string) {
  return {
    login: `${baseUrl}/lti/login`,
    launch: `${baseUrl}/lti/launch`,
    jwks: `${baseUrl}/lti/jwks`,
  };
}

/**
 * `GET /lti/config.json`: the tool's LTI 1.3 configuration in the shape Canvas reads for a
 * developer key (other LMSs use the same URLs, typed in by hand or through dynamic registration).
 */
export function toolConfiguration(baseUrl: string) {
  const urls = toolUrls(baseUrl);
  const host = new URL(baseUrl).host;
  return {
    title: TOOL_TITLE,
    description: DESCRIPTION,
    oidc_initiation_url: urls.login,
    target_link_uri: urls.launch,
    public_jwk_url: urls.jwks,
    scopes: [...TOOL_SCOPES],
    messages: [
      { type: 'LtiResourceLinkRequest', target_link_uri: urls.launch },
      { type: 'LtiDeepLinkingRequest', target_link_uri: urls.launch, placements: ['link_selection', 'assignment_selection'] },
    ],
    claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
    extensions: [
      {
        platform: 'canvas.instructure.com',
        domain: host,
        privacy_level: 'public',
        settings: {
          placements: [
            { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: urls.launch },
            { placement: 'assignment_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: urls.launch },
          ],
        },
      },
    ],
  };
}

/** The client metadata POSTed to a platform's registration endpoint (LTI Dynamic Registration §3.5). */
export function registrationRequest(baseUrl: string) {
  const urls = toolUrls(baseUrl);
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: TOOL_TITLE,
    jwks_uri: urls.jwks,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: TOOL_SCOPES.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(baseUrl).host,
      description: DESCRIPTION,
      target_link_uri: urls.launch,
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: urls.launch },
        { type: 'LtiDeepLinkingRequest', target_link_uri: urls.launch, label: TOOL_TITLE, placements: ['link_selection', 'assignment_selection'] },
      ],
    },
  };
}
