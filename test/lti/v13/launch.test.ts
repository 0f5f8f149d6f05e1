import request from 'supertest';
import type { Express } from 'express';
import { UserModel } from '../../../src/users';
import { LtiEventModel } from '../../../src/lti';
import { useTestDatabase } from '../../support/database';
import { LTI, ROLE, type Claims, type SignOptions, type TestPlatform } from '../../support/lti-platform';
import { TestClock } from '../../support/web';
import { connectedPlatform, eventWith, launch, loginAndAuthorize } from './flow';

useTestDatabase();

let app: Express;
let platform: TestPlatform;

beforeAll(async () => {
  ({ app, platform } = await connectedPlatform());
});
afterAll(async () => {
  await platform.close();
});

const now = () => Math.floor(Date.now() / 1000);

describe('an LTI 1.3 launch through the OIDC login', () => {
  it('redirects to the platform with every authentication request parameter, then signs the person in', async () => {
    const agent = request.agent(app);
    const login = platform.loginRequest({ sub: 'teacher-ok', module: 'homeroom-basics', name: '王老师', email: 'wang@school.cn' });
    const redirect = await agent.get(login.path).query(login.query).expect(302);
    const location = new URL(redirect.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(platform.authUrl);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: 'http://shixun.test/lti/launch',
      login_hint: 'teacher-ok',
      lti_message_hint: login.query.lti_message_hint,
    });
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(location.searchParams.get('nonce')).toMatch(/^[\w-]{32}$/);

    const answer = await platform.authorize(redirect.headers.location!);
    const launched = await agent.post('/lti/launch').type('form').send(answer.form).expect(303);
    expect(launched.headers.location).toMatch(/^\/modules\/homeroom-basics(\?|$)/);

    const user = await UserModel.findOne({ provider: `lti13:${platform.issuer}|${platform.clientId}`, subject: 'teacher-ok' }).lean();
    expect(user).toMatchObject({ displayName: '王老师', email: 'wang@school.cn', roles: ['learner'] });
    await agent.get('/progress').expect(200);
  });

  it('also works without the browser cookie (third-party cookies blocked): state and one-time nonce still bind it', async () => {
    const answer = await loginAndAuthorize(request(app), platform, { sub: 'teacher-no-cookie' });
    await request(app).post('/lti/launch').type('form').send(answer.form).expect(303);
    expect(await UserModel.countDocuments({ subject: 'teacher-no-cookie' })).toBe(1);
  });

  it.each([
    ['several roles, one of them Instructor', [ROLE.learner, ROLE.instructor], ['trainer']],
    ['an institution Administrator', [ROLE.administrator], ['admin']],
    ['only roles Shixun does not know', ['http://example.com/roles#Wizard'], ['learner']],
    ['no roles at all', [], ['learner']],
  ])('accepts %s', async (_label, roles, mapped) => {
    const sub = `roles-${mapped.join('')}-${roles.length}`;
    await launch(request.agent(app), platform, { sub, roles }).then((res) => expect(res.status).toBe(303));
    expect((await UserModel.findOne({ subject: sub }).lean())?.roles).toEqual(mapped);
  });

  it('accepts a launch with no name, no email and no context', async () => {
    const agent = request.agent(app);
    const res = await launch(agent, platform, { sub: 'anonymous-ish' }, { claims: { name: undefined, email: undefined, [`${LTI}context`]: undefined } });
    expect(res.status).toBe(303);
    expect((await UserModel.findOne({ subject: 'anonymous-ish' }).lean())?.displayName).toBe('anonymous-ish');
  });

  it('writes a Chinese name from its parts family name first, as LTI 1.1 launches do', async () => {
    const agent = request.agent(app);
    const res = await launch(agent, platform, { sub: 'parts-only' }, { claims: { name: undefined, given_name: '伟', family_name: '王' } });
    expect(res.status).toBe(303);
    expect((await UserModel.findOne({ subject: 'parts-only' }).lean())?.displayName).toBe('王伟');
  });
});

describe('known-bad launches are refused with a message, an event and no session', () => {
  const cases: Array<[string, string, { claims?: (c: Claims) => Claims; sign?: SignOptions; form?: (form: { id_token: string; state: string }) => Record<string, string> }, RegExp]> = [
    ['no kid', 'no-kid', { sign: { kid: null } }, /does not name its signing key/],
    ['a wrong kid', 'unknown-kid', { sign: { kid: 'not-a-platform-key' } }, /names a signing key \(kid\)/],
    ['a bad signature', 'bad-signature', { sign: { key: 'rogue' } }, /signature does not verify/],
    ['an HS256 signature', 'bad-algorithm', { sign: { alg: 'HS256' } }, /only algorithm Shixun accepts/],
    ['a wrong LTI version', 'bad-version', { claims: () => ({ [`${LTI}version`]: '1.2.0' }) }, /not an LTI 1\.3\.0 message/],
    ['no LTI version', 'bad-version', { claims: () => ({ [`${LTI}version`]: undefined }) }, /not an LTI 1\.3\.0 message/],
    ['a non-JWT id_token', 'malformed-token', { form: (form) => ({ ...form, id_token: 'this-is-not-a-jwt' }) }, /not a valid JSON Web Token/],
    ['an iat in the future', 'bad-iat', { claims: () => ({ iat: now() + 3600, exp: now() + 3900 }) }, /dated in the future or is too old/],
    ['an exp in the past', 'expired', { claims: () => ({ iat: now() - 400, exp: now() - 200 }) }, /has expired/],
    ['no message_type', 'bad-message-type', { claims: () => ({ [`${LTI}message_type`]: undefined }) }, /message type is missing/],
    ['no roles claim', 'missing-roles', { claims: () => ({ [`${LTI}roles`]: undefined }) }, /no roles claim/],
    ['no deployment_id', 'missing-deployment-id', { claims: () => ({ [`${LTI}deployment_id`]: undefined }) }, /no deployment id/],
    ['an unknown deployment', 'unknown-deployment', { claims: () => ({ [`${LTI}deployment_id`]: 'deployment-nobody-registered' }) }, /deployment of Shixun/],
    ['no resource_link.id', 'missing-resource-link', { claims: () => ({ [`${LTI}resource_link`]: { title: 'no id' } }) }, /resource_link\.id/],
    ['no sub', 'missing-sub', { claims: () => ({ sub: undefined }) }, /does not identify the user/],
    ['a wrong aud', 'bad-audience', { claims: () => ({ aud: 'some-other-tool' }) }, /meant for another tool/],
    ['several audiences without azp', 'missing-azp', { claims: () => ({ aud: [platform.clientId, 'some-other-tool'] }) }, /no authorized party/],
    ['a wrong state', 'unknown-state', { form: (form) => ({ ...form, state: 'a-state-shixun-never-issued' }) }, /state is unknown/],
    ['no state', 'no-state', { form: (form) => ({ id_token: form.id_token }) }, /carried no state/],
  ];

  it.each(cases)('refuses %s', async (label, reason, change, message) => {
    const agent = request.agent(app);
    const sub = `bad-${reason}-${label.length}`;
    const answer = await loginAndAuthorize(agent, platform, { sub }, { claims: change.claims?.({}), sign: change.sign });
    const form = change.form ? change.form(answer.form) : answer.form;
    const refused = await agent.post('/lti/launch').set('Accept-Language', 'en').type('form').send(form).expect(401);
    expect(refused.text).toMatch(message);
    expect(refused.text).not.toContain(answer.form.id_token);
    const event = await eventWith({ kind: 'launch', outcome: 'refused', reason });
    expect(event.version).toBe('1.3');
    expect(JSON.stringify(event.details ?? {})).not.toContain(answer.form.id_token);
    await agent.get('/progress').expect(401);
    expect(await UserModel.countDocuments({ subject: sub })).toBe(0);
  });

  it('refuses a replayed id_token (reused nonce) after the first launch succeeded', async () => {
    const agent = request.agent(app);
    const answer = await loginAndAuthorize(agent, platform, { sub: 'replayed' });
    await agent.post('/lti/launch').type('form').send(answer.form).expect(303);
    const replay = request.agent(app);
    const refused = await replay.post('/lti/launch').set('Accept-Language', 'en').type('form').send(answer.form).expect(401);
    expect(refused.text).toMatch(/already used once/);
    await eventWith({ kind: 'launch', reason: 'nonce-reused' });
    await replay.get('/progress').expect(401);
  });

  it('refuses a launch whose state was issued to another browser', async () => {
    const victim = request.agent(app);
    await victim.get('/catalog');
    const answer = await loginAndAuthorize(request.agent(app), platform, { sub: 'cross-browser' });
    // The victim's browser holds its own login cookie; the attacker's state does not belong to it.
    const login = platform.loginRequest({ sub: 'victim' });
    await victim.get(login.path).query(login.query).expect(302);
    const refused = await victim.post('/lti/launch').set('Accept-Language', 'en').type('form').send(answer.form).expect(401);
    expect(refused.text).toMatch(/another browser or tab/);
    expect(await UserModel.countDocuments({ subject: 'cross-browser' })).toBe(0);
  });

  it('shows the decoded claims and clock skew to diagnostics, never the token', async () => {
    const agent = request.agent(app);
    const answer = await loginAndAuthorize(agent, platform, { sub: 'skewed' }, { claims: { iat: now() + 7200, exp: now() + 7500 } });
    await agent.post('/lti/launch').type('form').send(answer.form).expect(401);
    const event = await eventWith({ kind: 'launch', reason: 'bad-iat' });
    const details = event.details as { header: { kid: string }; claims: { sub: string }; clockSkewSeconds: number };
    expect(details.header.kid).toBe(platform.kid);
    expect(details.claims.sub).toBe('skewed');
    expect(details.clockSkewSeconds).toBeGreaterThan(7000);
    expect(event.source).toBe(platform.issuer);
  });

  it('refuses an id_token signed for an issuer Shixun does not know', async () => {
    const agent = request.agent(app);
    const answer = await loginAndAuthorize(agent, platform, { sub: 'stranger' }, { claims: { iss: 'https://unknown.example' } });
    await agent.post('/lti/launch').type('form').send(answer.form).expect(401);
    const event = await eventWith({ kind: 'launch', reason: 'unknown-issuer' });
    expect(event.source).toBe('https://unknown.example');
    expect(await LtiEventModel.countDocuments({ kind: 'launch', outcome: 'accepted', source: { $regex: 'unknown\\.example' } })).toBe(0);
  });
});

describe('the login state expires', () => {
  it('refuses an id_token posted more than ten minutes after the login', async () => {
    const clock = new TestClock(new Date());
    const slow = await connectedPlatform({ clock: clock.now });
    try {
      const agent = request.agent(slow.app);
      const login = slow.platform.loginRequest({ sub: 'slow-teacher' });
      const redirect = await agent.get(login.path).query(login.query).expect(302);
      clock.advanceMinutes(11);
      const answer = await slow.platform.authorize(redirect.headers.location!);
      const refused = await agent.post('/lti/launch').set('Accept-Language', 'en').type('form').send(answer.form).expect(401);
      expect(refused.text).toMatch(/took too long/);
      await eventWith({ kind: 'launch', reason: 'state-expired' });
    } finally {
      await slow.platform.close();
    }
  });
});
