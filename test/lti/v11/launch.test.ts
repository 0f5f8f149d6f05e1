import type { Express } from 'express';
import request from 'supertest';
import { LtiEventModel } from '../../../src/lti';
import { createConsumer, setConsumerDisabled, LtiNonceModel } from '../../../src/lti/v11';
import { UserModel } from '../../../src/users';
import { useTestDatabase } from '../../support/database';
import { testApp, testSecrets, TestClock, TEST_BASE_URL } from '../../support/web';
import { launchParams, signLaunch } from './sign';

useTestDatabase();

const KEY = 'moodle-xinhua';
const SECRET = 'a-secret-of-the-xinhua-moodle-0001';
const LAUNCH_URL = `${TEST_BASE_URL}/lti/launch`;

let clock: TestClock;
let app: Express;
const seconds = () => Math.floor(clock.now().getTime() / 1000);

beforeAll(async () => {
  clock = new TestClock();
  app = testApp({ clock: clock.now });
  await createConsumer(testSecrets().secretBox, { key: KEY, secret: SECRET, name: '新华路小学 Moodle', allowedOrigins: ['https://moodle.xinhua.example.cn'] });
  await createConsumer(testSecrets().secretBox, { key: 'retired-lms', secret: 'a-secret-of-a-retired-lms-0002' });
  await setConsumerDisabled('retired-lms', true);
});

function post(fields: Record<string, string>, target = app, path = '/lti/launch') {
  return request(target).post(path).set('Host', 'shixun.test').set('Accept-Language', 'en').type('form').send(fields);
}

function signed(params: Record<string, string>, options: { secret?: string; key?: string; timestamp?: number; nonce?: string; url?: string } = {}) {
  return signLaunch({ url: options.url ?? LAUNCH_URL, key: options.key ?? KEY, secret: options.secret ?? SECRET, params, timestamp: options.timestamp ?? seconds(), nonce: options.nonce });
}

function sessionCookie(response: request.Response): string | undefined {
  const cookies = response.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((cookie) => cookie.startsWith('shixun.sid='));
}

/** The dispatcher records a refusal without holding up the error page, so the row may land just after the response. */
async function refusalEvent(reason: string) {
  for (;;) {
    const event = await LtiEventModel.findOne({ kind: 'launch', version: '1.1', reason }).sort({ at: -1 }).lean();
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function expectRefused(response: request.Response, reason: string, message: string) {
  expect(response.status).toBe(401);
  expect(response.text).toContain(message);
  expect(sessionCookie(response)).toBeUndefined();
  const event = await refusalEvent(reason);
  expect(event.outcome).toBe('refused');
  expect(JSON.stringify(event.details ?? {})).not.toContain(SECRET);
  expect(JSON.stringify(event.details ?? {})).not.toContain('oauth_signature=');
  return event;
}

describe('LTI 1.1 launch', () => {
  test('a correctly signed launch signs the person in and creates them once', async () => {
    const response = await post(signed(launchParams({ roles: 'Instructor', custom_module: 'homeroom-new-role-and-duties' })));
    expect(response.status).toBe(303);
    expect(sessionCookie(response)).toBeDefined();
    const user = await UserModel.findOne({ provider: `lti11:${KEY}`, subject: 'moodle-user-42' }).lean();
    expect(user).toMatchObject({ displayName: '王小红', email: 'wang.xiaohong@school.example.cn', roles: ['trainer'] });
    const accepted = await LtiEventModel.findOne({ kind: 'launch', version: '1.1', outcome: 'accepted' }).lean();
    expect(accepted?.source).toBe(`lti11:${KEY}`);
  });

  test('parameter names with brackets (custom_map[a]) are encoded in the base string, so the launch passes', async () => {
    const response = await post(signed(launchParams({ user_id: 'bracket-user', 'custom_map[a]': '值 1', 'custom_map[b]': 'x&y=z' })));
    expect(response.status).toBe(303);
    expect(await UserModel.countDocuments({ subject: 'bracket-user' })).toBe(1);
  });

  test('query parameters of the launch URL are part of what is signed', async () => {
    const url = `${LAUNCH_URL}?placement=course&x=%E4%B8%AD`;
    const ok = await post(signed(launchParams({ user_id: 'query-user' }), { url }), app, '/lti/launch?placement=course&x=%E4%B8%AD');
    expect(ok.status).toBe(303);
    const unsignedQuery = await post(signed(launchParams({ user_id: 'query-user-2' })), app, '/lti/launch?placement=course');
    await expectRefused(unsignedQuery, 'bad-signature', 'signature does not match');
  });

  test('Canvas, which has signed launch URLs without their query string, is accepted without the query in the signature', async () => {
    const canvas = launchParams({ user_id: 'canvas-user', tool_consumer_info_product_family_code: 'canvas' });
    const response = await post(signed(canvas), app, '/lti/launch?placement=course_navigation');
    expect(response.status).toBe(303);
  });

  test('behind a TLS-terminating proxy the public https URL is what is verified (trust proxy on)', async () => {
    const proxied = testApp({ clock: clock.now, trustProxy: true });
    const fields = signed(launchParams({ user_id: 'proxy-user' }), { url: 'https://shixun.school.example.cn/lti/launch' });
    const response = await request(proxied)
      .post('/lti/launch')
      .set('Host', 'internal:3000')
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-Host', 'shixun.school.example.cn')
      .type('form')
      .send(fields);
    expect(response.status).toBe(303);

    // Without trust proxy the forwarded headers are not believed, so the same kind of launch fails.
    const untrusting = testApp({ clock: clock.now, trustProxy: false });
    const again = signed(launchParams({ user_id: 'proxy-user-2' }), { url: 'https://shixun.school.example.cn/lti/launch' });
    const refused = await request(untrusting).post('/lti/launch').set('Host', 'shixun.school.example.cn').set('X-Forwarded-Proto', 'https').set('Accept-Language', 'en').type('form').send(again);
    const event = await expectRefused(refused, 'bad-signature', 'signature does not match');
    expect(JSON.stringify(event.details)).toContain('http://shixun.school.example.cn/lti/launch');
  });

  test('a wrong secret is refused, and the diagnostics keep the base string but no secret or signature', async () => {
    const response = await post(signed(launchParams({ user_id: 'wrong-secret-user' }), { secret: 'not-the-secret-at-all-000' }));
    const event = await expectRefused(response, 'bad-signature', 'signature does not match');
    expect(event.source).toBe(KEY);
    const details = event.details as { baseString: string; url: string };
    expect(details.baseString).toMatch(/^POST&http%3A%2F%2Fshixun\.test%2Flti%2Flaunch&/);
    expect(details.baseString).toContain('user_id%3Dwrong-secret-user');
    expect(details).not.toHaveProperty('oauth_signature');
    expect(await UserModel.countDocuments({ subject: 'wrong-secret-user' })).toBe(0);
  });

  test('a parameter changed after signing is refused', async () => {
    const fields = signed(launchParams({ user_id: 'tampered-user', roles: 'Learner' }));
    const response = await post({ ...fields, roles: 'Administrator' });
    await expectRefused(response, 'bad-signature', 'signature does not match');
    expect(await UserModel.countDocuments({ subject: 'tampered-user' })).toBe(0);
  });

  test('a replayed launch (same consumer, same nonce) is refused', async () => {
    const fields = signed(launchParams({ user_id: 'replay-user' }), { nonce: 'nonce-used-twice' });
    expect((await post(fields)).status).toBe(303);
    const replay = await post(fields);
    await expectRefused(replay, 'nonce-reused', 'already used once');
  });

  test('the same nonce from another consumer is its own', async () => {
    await createConsumer(testSecrets().secretBox, { key: 'canvas-district', secret: 'canvas-district-secret-0003' });
    const response = await post(signed(launchParams({ user_id: 'other-consumer-user' }), { key: 'canvas-district', secret: 'canvas-district-secret-0003', nonce: 'nonce-used-twice' }));
    expect(response.status).toBe(303);
  });

  test('timestamps more than 5 minutes in the past or in the future are refused; within the window they pass', async () => {
    const stale = await post(signed(launchParams({ user_id: 'stale-user' }), { timestamp: seconds() - 301 }));
    const staleEvent = await expectRefused(stale, 'timestamp-stale', 'too old');
    expect((staleEvent.details as { timestampSkewSeconds: number }).timestampSkewSeconds).toBe(-301);
    const future = await post(signed(launchParams({ user_id: 'future-user' }), { timestamp: seconds() + 301 }));
    await expectRefused(future, 'timestamp-future', 'in the future');
    expect((await post(signed(launchParams({ user_id: 'early-user' }), { timestamp: seconds() + 299 }))).status).toBe(303);
    expect((await post(signed(launchParams({ user_id: 'late-user' }), { timestamp: seconds() - 299 }))).status).toBe(303);
    expect(await UserModel.countDocuments({ subject: { $in: ['stale-user', 'future-user'] } })).toBe(0);
  });

  test('a stale or unsigned launch uses up no nonce', async () => {
    await post(signed(launchParams({ user_id: 'x' }), { timestamp: seconds() - 900, nonce: 'stale-nonce' }));
    await post(signed(launchParams({ user_id: 'x' }), { secret: 'wrong-wrong-wrong-wrong', nonce: 'forged-nonce' }));
    expect(await LtiNonceModel.countDocuments({ nonce: { $in: ['stale-nonce', 'forged-nonce'] } })).toBe(0);
  });

  test.each([
    ['user_id', 'missing-parameters', 'lacks a required field'],
    ['resource_link_id', 'missing-parameters', 'lacks a required field'],
    ['lti_message_type', 'unsupported-message-type', 'kind of LTI message'],
    ['lti_version', 'unsupported-version', 'LTI version is not supported'],
  ])('a launch without %s is refused', async (field, reason, message) => {
    const response = await post(signed(launchParams({ [field]: undefined })));
    await expectRefused(response, reason, message);
  });

  test('a launch with no OAuth signature at all is refused', async () => {
    const fields = signed(launchParams({ user_id: 'unsigned-user' }));
    const { oauth_signature: _signature, ...unsigned } = fields;
    await expectRefused(await post(unsigned), 'missing-oauth-parameters', 'no complete OAuth');
  });

  test('an unknown consumer key is refused', async () => {
    const response = await post(signed(launchParams({ user_id: 'stranger' }), { key: 'who-is-this' }));
    const event = await expectRefused(response, 'unknown-consumer', 'not registered in Shixun');
    expect(event.source).toBe('who-is-this');
  });

  test('a disabled consumer is refused, even with a correct signature', async () => {
    const response = await post(signed(launchParams({ user_id: 'retired-user' }), { key: 'retired-lms', secret: 'a-secret-of-a-retired-lms-0002' }));
    await expectRefused(response, 'consumer-disabled', 'have been disabled');
    expect(await UserModel.countDocuments({ subject: 'retired-user' })).toBe(0);
  });

  test('nobody from a refused launch exists: the LTI users are exactly those of accepted launches', async () => {
    const subjects = await UserModel.distinct('subject', { provider: /^lti11:/ });
    expect(subjects.sort()).toEqual(['bracket-user', 'canvas-user', 'early-user', 'late-user', 'moodle-user-42', 'other-consumer-user', 'proxy-user', 'query-user', 'replay-user']);
  });

  test('the refusal page is in Chinese by default', async () => {
    const response = await request(app).post('/lti/launch').set('Host', 'shixun.test').type('form').send(signed(launchParams({ user_id: 'zh-user' }), { key: 'who-is-that' }));
    expect(response.status).toBe(401);
    expect(response.text).toContain('使用者密钥未在师训中登记');
  });
});
