import request from 'supertest';
import type { Express } from 'express';
import { createConsumer } from '../../../src/lti/v11';
import { upsertUserFromIdentity, UserModel } from '../../../src/users';
import { lti1p1BaseString, signLti1p1 } from '../../../src/lti/v13/migration';
import { useTestDatabase } from '../../support/database';
import { LTI, type TestPlatform } from '../../support/lti-platform';
import { testSecrets } from '../../support/web';
import { connectedPlatform } from './flow';

useTestDatabase();

let app: Express;
let platform: TestPlatform;
let secrets: ReturnType<typeof testSecrets>;
const CONSUMER_SECRET = 'the-lti11-consumer-secret';

beforeAll(async () => {
  ({ app, platform, secrets } = await connectedPlatform());
  await createConsumer(secrets.secretBox, { key: 'school-key', secret: CONSUMER_SECRET });
});
afterAll(async () => {
  await platform.close();
});

describe('the lti1p1 migration claim', () => {
  it('matches the specification example signature', () => {
    // LTI 1.3 Migration Guide, lti1p1 claim example.
    const base = lti1p1BaseString({ consumerKey: '179248902', deploymentId: '689302', issuer: 'https://lmsvendor.com', clientId: 'PM48OJSfGDTAzAo', exp: 1551290856, nonce: '172we8671fd8z' });
    expect(base).toBe('179248902&689302&https://lmsvendor.com&PM48OJSfGDTAzAo&1551290856&172we8671fd8z');
    expect(signLti1p1(base, 'my-lti11-secret')).toBe('lWd54kFo5qU7xshAna6v8BwoBm6tmUjc6GTax6+12ps=');
  });

  async function launchWithClaim(sub: string, userId: string, sign: (base: string) => string) {
    const agent = request.agent(app);
    const login = platform.loginRequest({ sub });
    const redirect = await agent.get(login.path).query(login.query).expect(302);
    const nonce = new URL(redirect.headers.location!).searchParams.get('nonce')!;
    const exp = Math.floor(Date.now() / 1000) + 300;
    const base = lti1p1BaseString({ consumerKey: 'school-key', deploymentId: platform.deploymentId, issuer: platform.issuer, clientId: platform.clientId, exp, nonce });
    const answer = await platform.authorize(redirect.headers.location!, {
      claims: { exp, [`${LTI}lti1p1`]: { user_id: userId, oauth_consumer_key: 'school-key', oauth_consumer_key_sign: sign(base) } },
    });
    await agent.post('/lti/launch').type('form').send(answer.form).expect(303);
  }

  it('keeps a teacher on their LTI 1.1 identity when the platform proves the consumer secret', async () => {
    const before = await upsertUserFromIdentity({ provider: 'lti11:school-key', subject: 'legacy-42', displayName: '陈老师', roles: ['learner'] });
    await launchWithClaim('new-sub-42', 'legacy-42', (base) => signLti1p1(base, CONSUMER_SECRET));
    expect(await UserModel.countDocuments({ subject: 'new-sub-42' })).toBe(0);
    expect((await UserModel.findById(before._id).lean())?.displayName).toBe('陈老师');
  });

  it('treats the launch as a new identity when the signature is wrong', async () => {
    await upsertUserFromIdentity({ provider: 'lti11:school-key', subject: 'legacy-43', displayName: '刘老师', roles: ['learner'] });
    await launchWithClaim('new-sub-43', 'legacy-43', (base) => signLti1p1(base, 'not-the-secret-at-all'));
    expect(await UserModel.countDocuments({ provider: `lti13:${platform.issuer}|${platform.clientId}`, subject: 'new-sub-43' })).toBe(1);
  });
});
