/**
 * An LTI 1.3 platform (an "LMS") running inside the test process, over real HTTP on 127.0.0.1.
 *
 * ```ts
 * const platform = await startTestPlatform({ clock: clock.now });
 * platform.setTool({ baseUrl: TEST_BASE_URL, jwks: async () => (await request(app).get('/lti/jwks')).body });
 * await addPlatform(platform.registration);            // Shixun's side (src/lti/v13)
 *
 * // The whole OIDC flow, as a browser would do it:
 * const login = platform.loginRequest({ sub: 'teacher-1', module: 'homeroom-…' });   // tool login URL + params
 * const redirect = await agent.get(login.path).query(login.query).expect(302);      // tool → platform auth URL
 * const answer = await platform.authorize(redirect.headers.location);               // platform signs the id_token
 * await agent.post('/lti/launch').type('form').send(answer.form);                    // { id_token, state }
 *
 * // Or sign any token by hand (known-bad payloads):
 * await platform.signIdToken({ ...platform.launchClaims({ nonce }), 'https://purl.imsglobal.org/spec/lti/claim/version': undefined });
 * await platform.signIdToken(claims, { kid: 'unknown' | null, key: 'rogue', alg: 'HS256' });
 *
 * platform.failNext(2);                                  // the next two score posts answer 500
 * platform.failNextRoster(1, 503);                       // the next NRPS request answers 503
 * platform.scores                                        // every score the AGS endpoint accepted
 * platform.setMembers([...]); platform.pageSize = 2;     // NRPS, paged with Link: rel="next"
 * await platform.close();
 * ```
 *
 * Endpoints (all under `platform.issuer`, which is also its URL):
 * - `GET /jwks` — its public key set (`kid` = `platform.kid`).
 * - `GET|POST /auth` — OIDC authorization: checks the tool's redirect (scope, response_type, response_mode, prompt,
 *   client_id, redirect_uri, login_hint, nonce, state), answers an auto-posting form (or JSON with `Accept: application/json`).
 * - `POST /token` — client-credentials grant; the JWT client assertion is verified against the tool's JWKS.
 * - `GET|POST /contexts/:context/lineitems`, `GET /contexts/:context/lineitems/:id`, `POST …/:id/scores` — AGS.
 * - `GET /contexts/:context/memberships` — NRPS, `?page=N`, `pageSize` members a page.
 * - `GET /.well-known/openid-configuration`, `POST /register` — LTI Dynamic Registration (needs `registrationToken`).
 * - `POST /deep-linking/return` — receives the tool's `LtiDeepLinkingResponse` (`JWT` form field), verifies it.
 * - `GET /course?hint=…` — a course page that frames the tool's login initiation (browser tests).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type JWTPayload, type KeyLike } from 'jose';

export const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const AGS_CLAIM = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
export const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
export const DEEP_LINKING_CLAIM = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';
export const ROLE = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  administrator: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
} as const;
export const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;
export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';

/** Claims to sign; a key whose value is `undefined` is left out of the token. */
export type Claims = Record<string, unknown>;

export interface LaunchOptions {
  sub?: string;
  roles?: string[];
  /** The custom `module` parameter (the Shixun module the link points to). */
  module?: string;
  resourceLinkId?: string;
  contextId?: string;
  name?: string;
  email?: string;
  nonce?: string;
  /** `LtiDeepLinkingRequest` instead of a resource link launch. */
  deepLinking?: { data?: string; acceptMultiple?: boolean };
  /** Extra or replacing claims (`undefined` removes one). */
  claims?: Claims;
}

export interface SignOptions {
  /** `null` = no `kid` header; a string = that kid. Default: the platform's kid. */
  kid?: string | null;
  /** `rogue` signs with a key the platform never published (a bad signature under the right kid). */
  key?: 'platform' | 'rogue';
  /** `HS256` signs with a shared secret instead of the platform's RSA key (an algorithm tools must refuse). */
  alg?: 'RS256' | 'HS256';
}

export interface Member {
  user_id: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
  name?: string;
  email?: string;
  lti11_legacy_user_id?: string;
}

export interface LineItem {
  id: string;
  scoreMaximum: number;
  label: string;
  resourceId?: string;
  resourceLinkId?: string;
  tag?: string;
}

export interface ReceivedScore {
  lineItemUrl: string;
  contentType: string;
  score: Record<string, unknown>;
}

export interface ToolEndpoints {
  /** The tool's public URL, e.g. TEST_BASE_URL; its launch URL is `${baseUrl}/lti/launch`. */
  baseUrl: string;
  /** How the platform gets the tool's public keys (client assertions, deep-linking responses). */
  jwks: () => Promise<JSONWebKeySet>;
}

export interface TestPlatform {
  /** Its issuer, which is also its base URL (`http://127.0.0.1:<port>`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly deploymentId: string;
  readonly kid: string;
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly jwksUrl: string;
  /** What an admin would type into Shixun for this platform (same field names as Shixun's `addPlatform`). */
  readonly registration: { issuer: string; clientId: string; deploymentIds: string[]; authUrl: string; tokenUrl: string; jwksUrl: string; name: string };
  setTool(tool: ToolEndpoints): void;
  /** A complete, valid resource-link (or deep-linking) claim set, before the nonce is known unless given. */
  launchClaims(options?: LaunchOptions): Claims;
  signIdToken(claims: Claims, options?: SignOptions): Promise<string>;
  /**
   * Third-party initiated login: the tool's login path and query as the platform would send the browser there.
   * The launch options are remembered under `lti_message_hint` and used when the tool redirects back to /auth.
   */
  loginRequest(options?: LaunchOptions, overrides?: Record<string, string | undefined>): { path: string; query: Record<string, string>; url: string };
  /**
   * Plays the platform's /auth endpoint for the tool's redirect `location` (the same checks as over HTTP):
   * returns the form the browser would post to the tool. `claims` and `sign` change the id_token for negative tests.
   */
  authorize(location: string, change?: { claims?: Claims; sign?: SignOptions }): Promise<{ action: string; form: { id_token: string; state: string }; claims: Claims }>;
  /** The next `count` score posts fail with `status`. */
  failNext(count: number, status?: number): void;
  /** The next `count` NRPS membership requests fail with `status`. */
  failNextRoster(count: number, status?: number): void;
  readonly scores: ReceivedScore[];
  readonly lineItems: LineItem[];
  readonly tokenRequests: Array<{ scope: string; ok: boolean; error?: string }>;
  /** Every request the AGS/NRPS endpoints refused, with why (wrong media type, missing scope, …). */
  readonly refusals: string[];
  setMembers(members: Member[]): void;
  pageSize: number;
  /** The context memberships URL a launch in `contextId` carries. */
  membershipsUrl(contextId?: string): string;
  lineItemsUrl(contextId?: string): string;
  /** Dynamic registration: the URL an LMS admin opens in Shixun, and what the platform received. */
  registrationToken: string;
  dynamicRegistrationUrl(): string;
  readonly dynamicRegistrations: Array<Record<string, unknown>>;
  /** Deep-linking responses posted to `deep_link_return_url`, verified with the tool's JWKS (RS256, iss=client_id, aud=issuer). */
  readonly deepLinkingResponses: Array<{ header: Record<string, unknown>; payload: Claims }>;
  /** A course page that frames the tool's login initiation for these launch options (browser tests). */
  coursePageUrl(options?: LaunchOptions): string;
  close(): Promise<void>;
}

const DEFAULT_CONTEXT = 'course-1';

export async function startTestPlatform(options: { clientId?: string; deploymentId?: string; clock?: () => Date } = {}): Promise<TestPlatform> {
  const clock = options.clock ?? (() => new Date());
  const clientId = options.clientId ?? 'shixun-client-1';
  const deploymentId = options.deploymentId ?? 'deployment-1';
  const kid = `platform-${randomUUID().slice(0, 8)}`;
  const signing = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256');
  const publicJwk: JWK = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };

  let tool: ToolEndpoints | undefined;
  const pendingLaunches = new Map<string, LaunchOptions>();
  const usedAssertionIds = new Set<string>();
  const accessTokens = new Map<string, { scopes: string[]; expiresAt: number }>();
  const scores: ReceivedScore[] = [];
  const lineItems: LineItem[] = [];
  const tokenRequests: TestPlatform['tokenRequests'] = [];
  const refusals: string[] = [];
  const dynamicRegistrations: Array<Record<string, unknown>> = [];
  const deepLinkingResponses: TestPlatform['deepLinkingResponses'] = [];
  let members: Member[] = [];
  let failures = { count: 0, status: 500 };
  let rosterFailures = { count: 0, status: 500 };
  let issuer = '';

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function requireTool(): ToolEndpoints {
    if (!tool) throw new Error('test platform: call setTool({ baseUrl, jwks }) first');
    return tool;
  }

  function ensureLineItem(contextId: string, resourceLinkId: string): LineItem {
    const url = `${issuer}/contexts/${contextId}/lineitems/${resourceLinkId}`;
    let item = lineItems.find((existing) => existing.id === url);
    if (!item) {
      item = { id: url, scoreMaximum: 100, label: `Resource ${resourceLinkId}`, resourceLinkId };
      lineItems.push(item);
    }
    return item;
  }

  function launchClaims(launch: LaunchOptions = {}): Claims {
    const now = Math.floor(clock().getTime() / 1000);
    const contextId = launch.contextId ?? DEFAULT_CONTEXT;
    const resourceLinkId = launch.resourceLinkId ?? 'link-1';
    const deepLinking = launch.deepLinking !== undefined;
    const claims: Claims = {
      iss: issuer,
      aud: clientId,
      sub: launch.sub ?? 'lms-user-1',
      iat: now,
      exp: now + 300,
      nonce: launch.nonce ?? randomUUID(),
      name: launch.name,
      email: launch.email,
      [`${LTI}message_type`]: deepLinking ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      [`${LTI}version`]: '1.3.0',
      [`${LTI}deployment_id`]: deploymentId,
      [`${LTI}target_link_uri`]: `${tool?.baseUrl ?? 'http://tool.invalid'}/lti/launch`,
      [`${LTI}roles`]: launch.roles ?? [ROLE.learner],
      [`${LTI}context`]: { id: contextId, title: 'Homeroom training 2026', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      [`${LTI}custom`]: launch.module ? { module: launch.module } : undefined,
      [NRPS_CLAIM]: { context_memberships_url: membershipsUrl(contextId), service_versions: ['2.0'] },
    };
    if (deepLinking) {
      claims[DEEP_LINKING_CLAIM] = {
        deep_link_return_url: `${issuer}/deep-linking/return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'],
        accept_multiple: launch.deepLinking?.acceptMultiple ?? true,
        data: launch.deepLinking?.data,
      };
      claims[AGS_CLAIM] = { scope: [AGS_SCOPES.lineItem, AGS_SCOPES.score], lineitems: lineItemsUrl(contextId) };
    } else {
      claims[`${LTI}resource_link`] = { id: resourceLinkId, title: 'Module link' };
      claims[AGS_CLAIM] = {
        scope: [AGS_SCOPES.lineItem, AGS_SCOPES.resultReadOnly, AGS_SCOPES.score],
        lineitems: lineItemsUrl(contextId),
        lineitem: ensureLineItem(contextId, resourceLinkId).id,
      };
    }
    return withoutUndefined({ ...claims, ...launch.claims });
  }

  async function signIdToken(claims: Claims, sign: SignOptions = {}): Promise<string> {
    const header: { alg: string; typ: string; kid?: string } = { alg: sign.alg ?? 'RS256', typ: 'JWT' };
    const chosenKid = sign.kid === undefined ? kid : sign.kid;
    if (chosenKid !== null) header.kid = chosenKid;
    const key = sign.alg === 'HS256' ? new TextEncoder().encode(`${kid}-shared-secret-for-hs256-tests`) : sign.key === 'rogue' ? rogue.privateKey : (signing.privateKey as KeyLike);
    return new SignJWT(withoutUndefined(claims) as JWTPayload).setProtectedHeader(header).sign(key);
  }

  function loginRequest(launch: LaunchOptions = {}, overrides: Record<string, string | undefined> = {}) {
    const base = requireTool().baseUrl;
    const messageHint = randomUUID();
    pendingLaunches.set(messageHint, launch);
    const query = withoutUndefined({
      iss: issuer,
      login_hint: launch.sub ?? 'lms-user-1',
      target_link_uri: `${base}/lti/launch`,
      lti_message_hint: messageHint,
      client_id: clientId,
      lti_deployment_id: deploymentId,
      ...overrides,
    }) as Record<string, string>;
    return { path: '/lti/login', query, url: `${base}/lti/login?${new URLSearchParams(query).toString()}` };
  }

  /** The checks a real platform makes on the tool's authentication request (Security Framework §5.1.1.2). */
  function checkAuthRequest(params: URLSearchParams): string | undefined {
    const base = requireTool().baseUrl;
    const expected: Record<string, string> = { scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: clientId, redirect_uri: `${base}/lti/launch` };
    for (const [name, value] of Object.entries(expected)) {
      if (params.get(name) !== value) return `${name} must be ${value}, got ${params.get(name) ?? '(missing)'}`;
    }
    for (const name of ['login_hint', 'nonce', 'state', 'lti_message_hint']) if (!params.get(name)) return `${name} is missing`;
    if (!pendingLaunches.has(params.get('lti_message_hint')!)) return 'unknown lti_message_hint';
    return undefined;
  }

  async function answerAuth(params: URLSearchParams, change: { claims?: Claims; sign?: SignOptions } = {}) {
    const problem = checkAuthRequest(params);
    if (problem) throw new Error(`test platform /auth refused the tool's request: ${problem}`);
    const launch = pendingLaunches.get(params.get('lti_message_hint')!)!;
    const claims = withoutUndefined({ ...launchClaims({ ...launch, nonce: params.get('nonce')!, sub: params.get('login_hint')! }), ...change.claims });
    const idToken = await signIdToken(claims, change.sign);
    return { action: params.get('redirect_uri')!, form: { id_token: idToken, state: params.get('state')! }, claims };
  }

  async function authorize(location: string, change: { claims?: Claims; sign?: SignOptions } = {}) {
    const url = new URL(location);
    if (`${url.origin}${url.pathname}` !== `${issuer}/auth`) throw new Error(`test platform: the tool redirected to ${location}, not to ${issuer}/auth`);
    return answerAuth(url.searchParams, change);
  }

  function membershipsUrl(contextId = DEFAULT_CONTEXT): string {
    return `${issuer}/contexts/${contextId}/memberships`;
  }
  function lineItemsUrl(contextId = DEFAULT_CONTEXT): string {
    return `${issuer}/contexts/${contextId}/lineitems`;
  }

  function bearerScopes(req: IncomingMessage): string[] | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const grant = token ? accessTokens.get(token) : undefined;
    if (!grant || grant.expiresAt < clock().getTime()) return undefined;
    return grant.scopes;
  }

  function refuse(res: ServerResponse, status: number, why: string): void {
    refusals.push(why);
    send(res, status, { error: why });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const body = req.method === 'POST' ? await readBody(req) : '';
    const route = `${req.method} ${url.pathname}`;

    if (route === 'GET /jwks') return send(res, 200, { keys: [publicJwk] });

    if (url.pathname === '/auth') {
      const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      const problem = checkAuthRequest(params);
      if (problem) return send(res, 400, { error: 'invalid_request', error_description: problem });
      const answer = await answerAuth(params);
      if ((req.headers.accept ?? '').includes('application/json')) return send(res, 200, answer);
      return sendHtml(res, autoPostForm(answer.action, answer.form));
    }

    if (route === 'POST /token') return token(new URLSearchParams(body), res);

    if (route === 'GET /.well-known/openid-configuration') return send(res, 200, openIdConfiguration());
    if (route === 'POST /register') {
      if (req.headers.authorization !== `Bearer ${platform.registrationToken}`) return refuse(res, 401, 'registration: wrong registration token');
      const registration = JSON.parse(body) as Record<string, unknown>;
      dynamicRegistrations.push(registration);
      return send(res, 200, { ...registration, client_id: clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...(registration['https://purl.imsglobal.org/spec/lti-tool-configuration'] as object), deployment_id: deploymentId } });
    }

    if (route === 'POST /deep-linking/return') {
      const jwt = new URLSearchParams(body).get('JWT') ?? '';
      try {
        const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await requireTool().jwks()), { algorithms: ['RS256'], issuer: clientId, audience: issuer, currentDate: clock() });
        deepLinkingResponses.push({ header: protectedHeader as Record<string, unknown>, payload: payload as Claims });
        return sendHtml(res, '<!doctype html><html><body><p id="received">Content received</p></body></html>');
      } catch (error) {
        return refuse(res, 400, `deep linking response: ${(error as Error).message}`);
      }
    }

    if (route === 'GET /course') {
      const hint = url.searchParams.get('hint') ?? '';
      const launch = pendingLaunches.get(hint);
      if (!launch) return send(res, 404, { error: 'unknown course page' });
      const login = loginRequest(launch);
      return sendHtml(res, `<!doctype html><html><head><title>Test LMS course</title></head><body><h1>Test LMS course</h1><iframe id="tool" title="Shixun" src="${escapeHtml(login.url)}" style="width:100%;height:80vh" allow="fullscreen"></iframe></body></html>`);
    }

    const lineItemsMatch = /^\/contexts\/([^/]+)\/lineitems(?:\/([^/]+))?(\/scores)?$/.exec(url.pathname);
    if (lineItemsMatch) return ags(req, res, url, body, lineItemsMatch[1]!, lineItemsMatch[2], Boolean(lineItemsMatch[3]));

    const membershipsMatch = /^\/contexts\/([^/]+)\/memberships$/.exec(url.pathname);
    if (membershipsMatch && req.method === 'GET') return memberships(req, res, url, membershipsMatch[1]!);

    send(res, 404, { error: `no route ${route}` });
  }

  async function token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const scope = form.get('scope') ?? '';
    const deny = (error: string) => {
      tokenRequests.push({ scope, ok: false, error });
      send(res, 400, { error: 'invalid_client', error_description: error });
    };
    if (form.get('grant_type') !== 'client_credentials') return deny('grant_type must be client_credentials');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return deny('wrong client_assertion_type');
    const assertion = form.get('client_assertion');
    if (!assertion) return deny('client_assertion missing');
    try {
      const keys = createLocalJWKSet(await requireTool().jwks());
      const { payload } = await jwtVerify(assertion, keys, { algorithms: ['RS256'], issuer: clientId, subject: clientId, audience: platform.tokenUrl, currentDate: clock(), maxTokenAge: '10 minutes' });
      if (!payload.jti) return deny('jti missing');
      if (usedAssertionIds.has(payload.jti)) return deny('jti reused');
      usedAssertionIds.add(payload.jti);
    } catch (error) {
      return deny(`client assertion: ${(error as Error).message}`);
    }
    const accessToken = randomUUID();
    const scopes = scope.split(' ').filter(Boolean);
    accessTokens.set(accessToken, { scopes, expiresAt: clock().getTime() + 3600_000 });
    tokenRequests.push({ scope, ok: true });
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope });
  }

  function ags(req: IncomingMessage, res: ServerResponse, url: URL, body: string, contextId: string, itemId: string | undefined, isScores: boolean): void {
    const scopes = bearerScopes(req);
    if (!scopes) return refuse(res, 401, 'ags: no valid access token');
    const containerUrl = lineItemsUrl(contextId);
    if (isScores) {
      if (req.method !== 'POST') return refuse(res, 405, 'ags: scores accept POST only');
      if (!scopes.includes(AGS_SCOPES.score)) return refuse(res, 403, 'ags: score scope missing');
      const contentType = req.headers['content-type'] ?? '';
      if (!contentType.startsWith('application/vnd.ims.lis.v1.score+json')) return refuse(res, 415, `ags: score media type was ${contentType}`);
      const lineItemUrl = `${containerUrl}/${itemId}`;
      if (!lineItems.some((item) => item.id === lineItemUrl)) return refuse(res, 404, `ags: no line item ${lineItemUrl}`);
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        return send(res, failures.status, { error: 'injected failure' });
      }
      const score = JSON.parse(body) as Record<string, unknown>;
      for (const field of ['userId', 'activityProgress', 'gradingProgress', 'timestamp']) {
        if (score[field] === undefined) return refuse(res, 400, `ags: score without ${field}`);
      }
      scores.push({ lineItemUrl, contentType, score });
      res.writeHead(204).end();
      return;
    }
    if (itemId) {
      const item = lineItems.find((existing) => existing.id === `${containerUrl}/${itemId}`);
      if (!item) return refuse(res, 404, 'ags: no such line item');
      return send(res, 200, item, 'application/vnd.ims.lis.v2.lineitem+json');
    }
    if (req.method === 'GET') {
      if (!scopes.includes(AGS_SCOPES.lineItem) && !scopes.includes(AGS_SCOPES.lineItemReadOnly)) return refuse(res, 403, 'ags: line item scope missing');
      const filters: Array<[keyof LineItem, string | null]> = [
        ['resourceLinkId', url.searchParams.get('resource_link_id')],
        ['resourceId', url.searchParams.get('resource_id')],
        ['tag', url.searchParams.get('tag')],
      ];
      const found = lineItems.filter((item) => item.id.startsWith(`${containerUrl}/`) && filters.every(([field, wanted]) => wanted === null || item[field] === wanted));
      return send(res, 200, found, 'application/vnd.ims.lis.v2.lineitemcontainer+json');
    }
    if (req.method === 'POST') {
      if (!scopes.includes(AGS_SCOPES.lineItem)) return refuse(res, 403, 'ags: line item scope missing');
      const fields = JSON.parse(body) as Omit<LineItem, 'id'>;
      if (typeof fields.scoreMaximum !== 'number' || !fields.label) return refuse(res, 400, 'ags: line item needs scoreMaximum and label');
      const item: LineItem = { ...fields, id: `${containerUrl}/${randomUUID()}` };
      lineItems.push(item);
      return send(res, 201, item, 'application/vnd.ims.lis.v2.lineitem+json');
    }
    refuse(res, 405, 'ags: method not allowed');
  }

  function memberships(req: IncomingMessage, res: ServerResponse, url: URL, contextId: string): void {
    const scopes = bearerScopes(req);
    if (!scopes) return refuse(res, 401, 'nrps: no valid access token');
    if (!scopes.includes(NRPS_SCOPE)) return refuse(res, 403, 'nrps: scope missing');
    if (rosterFailures.count > 0) {
      rosterFailures = { ...rosterFailures, count: rosterFailures.count - 1 };
      return send(res, rosterFailures.status, { error: 'injected failure' });
    }
    const page = Math.max(1, Number(url.searchParams.get('page') ?? '1'));
    const role = url.searchParams.get('role');
    const matching = role ? members.filter((member) => member.roles.includes(role)) : members;
    const slice = matching.slice((page - 1) * platform.pageSize, page * platform.pageSize);
    if (page * platform.pageSize < matching.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      res.setHeader('Link', `<${next.toString()}>; rel="next"`);
    }
    send(res, 200, { id: url.toString(), context: { id: contextId, title: 'Homeroom training 2026' }, members: slice }, 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json');
  }

  function openIdConfiguration() {
    return {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: `${issuer}/jwks`,
      registration_endpoint: `${issuer}/register`,
      scopes_supported: ['openid', AGS_SCOPES.lineItem, AGS_SCOPES.score, AGS_SCOPES.resultReadOnly, NRPS_SCOPE],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'shixun-test-platform',
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
    };
  }

  const platform: TestPlatform = {
    issuer,
    clientId,
    deploymentId,
    kid,
    authUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    jwksUrl: `${issuer}/jwks`,
    registration: { issuer, clientId, deploymentIds: [deploymentId], authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, name: 'Test LMS' },
    setTool(endpoints) {
      tool = { ...endpoints, baseUrl: endpoints.baseUrl.replace(/\/+$/, '') };
    },
    launchClaims,
    signIdToken,
    loginRequest,
    authorize,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    failNextRoster(count, status = 500) {
      rosterFailures = { count, status };
    },
    scores,
    lineItems,
    tokenRequests,
    refusals,
    setMembers(list) {
      members = list;
    },
    pageSize: 50,
    membershipsUrl,
    lineItemsUrl,
    registrationToken: createHash('sha256').update(kid).digest('hex').slice(0, 24),
    dynamicRegistrationUrl() {
      const query = new URLSearchParams({ openid_configuration: `${issuer}/.well-known/openid-configuration`, registration_token: platform.registrationToken });
      return `${requireTool().baseUrl}/lti/register?${query.toString()}`;
    },
    dynamicRegistrations,
    deepLinkingResponses,
    coursePageUrl(launch = {}) {
      const hint = randomUUID();
      pendingLaunches.set(hint, launch);
      return `${issuer}/course?hint=${hint}`;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  server.on('connection', (socket) => socket.unref());
  return platform;
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, html: string): void {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function autoPostForm(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html><body><form id="f" method="post" action="${escapeHtml(action)}">${inputs}<noscript><button>Continue</button></noscript></form><script>document.getElementById('f').submit()</script></body></html>`;
}
