import request from 'supertest';
import type { Express } from 'express';
import { addPlatform, createRegistrationUrl, listPlatforms, LoginStateModel, PlatformModel } from '../../../src/lti/v13';
import { useTestDatabase } from '../../support/database';
import { startTestPlatform, type TestPlatform } from '../../support/lti-platform';
import { TEST_BASE_URL } from '../../support/web';
import { connectedPlatform, eventWith } from './flow';

useTestDatabase();

let app: Express;
let platform: TestPlatform;

beforeAll(async () => {
  ({ app, platform } = await connectedPlatform());
});
afterAll(async () => {
  await platform.close();
});

describe('GET|POST /lti/login', () => {
  it('accepts the login initiation as a form post too', async () => {
    const login = platform.loginRequest({ sub: 'posted' });
    const res = await request(app).post('/lti/login').type('form').send(login.query).expect(302);
    expect(res.headers.location).toContain(`${platform.authUrl}?`);
    expect(String(res.headers['set-cookie'])).toMatch(/shixun\.lti13=[^;]+;.*HttpOnly/);
  });

  it.each([
    ['an unknown issuer', { iss: 'https://lms.unknown.example' }, 'unknown-issuer', /not registered in Shixun as an LTI 1\.3 platform/],
    ['a target_link_uri outside the tool', { target_link_uri: 'https://evil.example/lti/launch' }, 'bad-target-link-uri', /not Shixun&#x27;s/],
    ['an unknown client_id', { client_id: 'nobody' }, 'unknown-client-id', /client id in the request is not registered/],
    ['an unknown deployment', { lti_deployment_id: 'elsewhere' }, 'unknown-deployment', /deployment of Shixun/],
    ['no login_hint', { login_hint: undefined }, 'login-invalid', /lacks a required field/],
  ])('refuses %s with 400, a message and an event, and stores no state', async (_label, overrides, reason, message) => {
    const before = await LoginStateModel.countDocuments();
    const login = platform.loginRequest({}, overrides);
    const res = await request(app).get(login.path).query(login.query).set('Accept-Language', 'en').expect(400);
    expect(res.text).toMatch(message);
    await eventWith({ kind: 'login', outcome: 'refused', reason });
    expect(await LoginStateModel.countDocuments()).toBe(before);
  });

  it('needs client_id when an issuer has two registrations', async () => {
    await addPlatform({ ...platform.registration, clientId: 'second-key' }, 'admin');
    const login = platform.loginRequest({}, { client_id: undefined });
    const res = await request(app).get(login.path).query(login.query).set('Accept-Language', 'en').expect(400);
    expect(res.text).toMatch(/did not say which client id/);
    const named = platform.loginRequest({});
    await request(app).get(named.path).query(named.query).expect(302);
    await PlatformModel.deleteOne({ clientId: 'second-key' });
  });
});

describe('GET /lti/config.json', () => {
  it('describes the tool with its URLs, scopes and messages', async () => {
    const res = await request(app).get('/lti/config.json').expect(200);
    expect(res.body).toMatchObject({
      oidc_initiation_url: `${TEST_BASE_URL}/lti/login`,
      target_link_uri: `${TEST_BASE_URL}/lti/launch`,
      public_jwk_url: `${TEST_BASE_URL}/lti/jwks`,
    });
    expect(res.body.scopes).toEqual(expect.arrayContaining(['https://purl.imsglobal.org/spec/lti-ags/scope/score', 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly']));
    expect(res.body.messages.map((message: { type: string }) => message.type)).toEqual(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);
  });
});

describe('GET /lti/register (dynamic registration)', () => {
  let lms: TestPlatform;
  beforeAll(async () => {
    lms = await startTestPlatform({ clientId: 'dynamic-client', deploymentId: 'dynamic-deployment' });
    lms.setTool({ baseUrl: TEST_BASE_URL, jwks: async () => (await request(app).get('/lti/jwks')).body });
  });
  afterAll(async () => {
    await lms.close();
  });

  const registrationQuery = (invite: string, token = lms.registrationToken) => ({
    invite,
    openid_configuration: `${lms.issuer}/.well-known/openid-configuration`,
    registration_token: token,
  });

  it('refuses without an admin-issued invitation, and registers nothing', async () => {
    const res = await request(app).get('/lti/register').query(registrationQuery('made-up')).set('Accept-Language', 'en').expect(400);
    expect(res.text).toMatch(/unknown, expired or already used/);
    expect(lms.dynamicRegistrations).toHaveLength(0);
  });

  it('reads the platform configuration, posts the tool registration, stores the platform and tells the opener to close', async () => {
    const invite = new URL((await createRegistrationUrl(TEST_BASE_URL, 'admin-test', new Date())).url).searchParams.get('invite')!;
    const res = await request(app).get('/lti/register').query(registrationQuery(invite)).set('Accept-Language', 'en').expect(200);
    expect(res.text).toContain('Shixun is registered');
    expect(res.text).toContain('<script src="/static/lti-register-close.js"></script>');

    expect(lms.dynamicRegistrations).toHaveLength(1);
    expect(lms.dynamicRegistrations[0]).toMatchObject({
      initiate_login_uri: `${TEST_BASE_URL}/lti/login`,
      redirect_uris: [`${TEST_BASE_URL}/lti/launch`],
      jwks_uri: `${TEST_BASE_URL}/lti/jwks`,
      token_endpoint_auth_method: 'private_key_jwt',
    });
    const stored = (await listPlatforms()).find((candidate) => candidate.issuer === lms.issuer);
    expect(stored).toMatchObject({ clientId: 'dynamic-client', deploymentIds: ['dynamic-deployment'], authUrl: lms.authUrl, tokenUrl: lms.tokenUrl, jwksUrl: lms.jwksUrl, registeredBy: 'dynamic' });

    // The invitation is spent.
    await request(app).get('/lti/register').query(registrationQuery(invite)).expect(400);
    expect(lms.dynamicRegistrations).toHaveLength(1);
  });

  it('reports the platform refusing the registration token', async () => {
    await PlatformModel.deleteOne({ issuer: lms.issuer });
    const invite = new URL((await createRegistrationUrl(TEST_BASE_URL, 'admin-test', new Date())).url).searchParams.get('invite')!;
    const res = await request(app).get('/lti/register').query(registrationQuery(invite, 'wrong-token')).set('Accept-Language', 'en').expect(400);
    expect(res.text).toMatch(/refused Shixun&#x27;s registration/);
    expect(await PlatformModel.countDocuments({ issuer: lms.issuer })).toBe(0);
  });

  it('refuses, with a page rather than a server error, a platform registered before with the same client id', async () => {
    const first = new URL((await createRegistrationUrl(TEST_BASE_URL, 'admin-test', new Date())).url).searchParams.get('invite')!;
    await request(app).get('/lti/register').query(registrationQuery(first)).expect(200);
    const second = new URL((await createRegistrationUrl(TEST_BASE_URL, 'admin-test', new Date())).url).searchParams.get('invite')!;
    const res = await request(app).get('/lti/register').query(registrationQuery(second)).set('Accept-Language', 'en').expect(400);
    expect(res.text).toMatch(/refused Shixun&#x27;s registration/);
    expect(await PlatformModel.countDocuments({ issuer: lms.issuer })).toBe(1);
  });
});
