import request from 'supertest';
import { LtiEventModel, recordLtiEvent } from '../../src/lti';
import { redactForDisplay } from '../../src/lti/admin';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, TEST_BASE_URL, testApp } from '../support/web';

useTestDatabase();

const OAUTH_SIGNATURE = 'c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3Qtc2hvdw==';
const CLIENT_ASSERTION = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJzaGl4dW4ifQ.YXNzZXJ0aW9uLXNpZ25hdHVyZQ';
const ACCESS_TOKEN = 'access-token-value-7f3a9c';
const CONSUMER_SECRET = 'consumer-secret-value-91b2';
const ID_TOKEN = 'eyJraWQiOiJrMSJ9.eyJzdWIiOiJ0MSJ9.aWQtdG9rZW4tc2lnbmF0dXJl';
const SECRETS = [OAUTH_SIGNATURE, encodeURIComponent(OAUTH_SIGNATURE), CLIENT_ASSERTION, ACCESS_TOKEN, CONSUMER_SECRET, ID_TOKEN, 'YXNzZXJ0aW9uLXNpZ25hdHVyZQ', 'aWQtdG9rZW4tc2lnbmF0dXJl'];

const BASE_STRING = 'POST&http%3A%2F%2Fshixun.test%2Flti%2Flaunch&context_id%3Dc1%26oauth_consumer_key%3Dmoodle-key%26oauth_nonce%3Dn1%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1790000000%26resource_link_id%3Drl1';

async function seed(): Promise<void> {
  // Through the recorder, as the strategies do...
  await recordLtiEvent({
    kind: 'launch',
    version: '1.1',
    outcome: 'refused',
    reason: 'bad-signature',
    source: 'moodle-key',
    details: { baseString: BASE_STRING, oauth_signature: OAUTH_SIGNATURE, consumer: { secret: CONSUMER_SECRET } },
    at: new Date('2026-09-01T08:00:00Z'),
  });
  // ...and straight into the collection, as an older or careless writer might: the page must still hide them.
  await LtiEventModel.collection.insertMany([
    {
      at: new Date('2026-09-01T08:01:00Z'),
      kind: 'launch',
      version: '1.3',
      outcome: 'refused',
      reason: 'expired',
      source: 'https://canvas.test|10000000000001',
      details: {
        claims: { iss: 'https://canvas.test', aud: '10000000000001', exp: 1790000000, message_type: 'LtiResourceLinkRequest' },
        clockSkewSeconds: 412,
        id_token: ID_TOKEN,
        rawForm: `id_token=${ID_TOKEN}&state=s1`,
        client_assertion: CLIENT_ASSERTION,
      },
    },
    {
      at: new Date('2026-09-01T08:02:00Z'),
      kind: 'passback',
      version: '1.3',
      outcome: 'failed',
      reason: 'http-error',
      source: 'https://canvas.test|10000000000001',
      details: { status: 503, body: `{"error":"unavailable","access_token":"${ACCESS_TOKEN}"}`, request: { headers: { Authorization: `Bearer ${ACCESS_TOKEN}` } }, note: `retry with Bearer ${ACCESS_TOKEN}` },
    },
    {
      at: new Date('2026-09-01T08:03:00Z'),
      kind: 'login',
      version: '1.3',
      outcome: 'accepted',
      source: 'https://moodle.test|client-1',
    },
  ]);
}

describe('/admin/lti and its diagnostics', () => {
  beforeAll(seed);

  it('is for admins only', async () => {
    const app = testApp();
    await request(app).get('/admin/lti/diagnostics').expect(401);
    const registrar = await signIn(app, '学时管理员', '', 'trainer');
    await registrar.get('/admin/lti').expect(403);
    await registrar.get('/admin/lti/diagnostics').expect(403);
  });

  it('lists the URLs to paste into an LMS, built from the public address', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const hub = await admin.get('/admin/lti?lang=en').expect(200);
    for (const path of ['/lti/launch', '/lti/login', '/lti/jwks', '/lti/config.xml', '/lti/config.json', '/lti/register']) {
      expect(hub.text).toContain(`${TEST_BASE_URL}${path}</code>`);
    }
    for (const link of ['/admin/lti/consumers', '/admin/lti/platforms', '/admin/lti/diagnostics']) expect(hub.text).toContain(`href="${link}"`);
    expect(hub.text).toContain('3 refused or failed events among the latest 100.');
    // The admin's navigation has the LTI link, marked as the current page here.
    expect(hub.text).toMatch(/<a href="\/admin\/lti" aria-current="page">LTI<\/a>/);
  });

  it('shows each refusal with its translated reason and evidence, and never a secret or token', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics?lang=en').expect(200);
    expect(page.text).toContain('OAuth 1.0 signature base string');
    expect(page.text).toContain('oauth_signature_method%3DHMAC-SHA1');
    expect(page.text).toContain('Decoded id_token claims');
    expect(page.text).toContain('LtiResourceLinkRequest');
    expect(page.text).toMatch(/Clock skew[^<]*<\/dt>\s*<dd><code>412<\/code>/);
    expect(page.text).toContain('LMS HTTP status');
    expect(page.text).toContain('The LMS answered with an error.');
    expect(page.text).toContain('Code: bad-signature');
    expect(page.text).toContain('The launch has expired.');
    expect((page.text.match(/<details/g) ?? []).length).toBe(3);
    for (const secret of SECRETS) expect(page.text).not.toContain(secret);
    expect(page.text).not.toContain('id_token</dt>');
  });

  it('filters by kind and outcome, and refuses filters it does not know', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const passbacks = await admin.get('/admin/lti/diagnostics?kind=passback&outcome=&lang=en').expect(200);
    expect(passbacks.text).toContain('The latest 1 events');
    expect(passbacks.text).toMatch(/<option value="passback" selected>/);
    const accepted = await admin.get('/admin/lti/diagnostics?outcome=accepted').expect(200);
    expect(accepted.text).toContain('https://moodle.test|client-1');
    expect(accepted.text).not.toContain('moodle-key');
    const none = await admin.get('/admin/lti/diagnostics?kind=roster&lang=en').expect(200);
    expect(none.text).toContain('No events match.');
    await admin.get('/admin/lti/diagnostics?kind=%24ne').expect(400);
    await admin.get('/admin/lti/diagnostics?outcome=refused&outcome=failed').expect(400);
  });

  it('is in Chinese by default', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics').expect(200);
    expect(page.text).toContain('LTI 诊断');
    expect(page.text).toContain('LMS 返回了错误。');
    expect(csrfTokenIn(page.text)).toBeTruthy();
  });
});

describe('redactForDisplay', () => {
  it('drops secret-named fields and masks credentials inside text', () => {
    expect(
      redactForDisplay({
        baseString: 'POST&u&oauth_nonce%3Dn%26oauth_signature%3Dabc%252Bdef%26x%3D1',
        query: 'a=1&access_token=tok123&b=2',
        json: '{"client_secret":"s3cr3t","ok":true}',
        list: ['Bearer abc.def', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
        nested: { Authorization: 'x', keep: 'kept' },
      }),
    ).toEqual({
      baseString: 'POST&u&oauth_nonce%3Dn%26oauth_signature%3D[redacted]%26x%3D1',
      query: 'a=1&access_token=[redacted]&b=2',
      json: '{"client_secret":"[redacted]","ok":true}',
      list: ['Bearer [redacted]', '[redacted]'],
      nested: { keep: 'kept' },
    });
  });
});
