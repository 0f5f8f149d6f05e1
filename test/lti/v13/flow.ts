import type { Express } from 'express';
import request from 'supertest';
import { LtiEventModel, type LtiEvent } from '../../../src/lti';
import { addPlatform } from '../../../src/lti/v13';
import { startTestPlatform, type Claims, type LaunchOptions, type SignOptions, type TestPlatform } from '../../support/lti-platform';
import { TEST_BASE_URL, testApp, testSecrets } from '../../support/web';

/** A Shixun app and a test platform registered with each other, as an LMS admin would set them up. */
export async function connectedPlatform(options: { clock?: () => Date } = {}): Promise<{ app: Express; platform: TestPlatform; secrets: ReturnType<typeof testSecrets> }> {
  const secrets = testSecrets();
  const app = testApp({ ...secrets, ...(options.clock ? { clock: options.clock } : {}) });
  const platform = await startTestPlatform({ clock: options.clock });
  platform.setTool({ baseUrl: TEST_BASE_URL, jwks: async () => (await request(app).get('/lti/jwks').expect(200)).body });
  await addPlatform(platform.registration, 'admin');
  return { app, platform, secrets };
}

type Client = ReturnType<typeof request.agent> | ReturnType<typeof request>;

/** Runs the OIDC login through Shixun and the platform's /auth: the form the browser would post to /lti/launch. */
export async function loginAndAuthorize(client: Client, platform: TestPlatform, launch: LaunchOptions = {}, change: { claims?: Claims; sign?: SignOptions } = {}) {
  const login = platform.loginRequest(launch);
  const redirect = await client.get(login.path).query(login.query).expect(302);
  return platform.authorize(redirect.headers.location!, change);
}

/** The whole launch: login, authorization, id_token post. Returns the /lti/launch response. */
export async function launch(client: Client, platform: TestPlatform, options: LaunchOptions = {}, change: { claims?: Claims; sign?: SignOptions } = {}) {
  const answer = await loginAndAuthorize(client, platform, options, change);
  return client.post('/lti/launch').set('Accept-Language', 'en').type('form').send(answer.form);
}

/**
 * The launch route records refusals without holding up the answer, so the event may land a moment
 * after the response: look again until it is there (or give up after a few seconds).
 */
export async function eventWith(filter: Partial<Pick<LtiEvent, 'kind' | 'reason' | 'outcome'>>): Promise<LtiEvent> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const found = await LtiEventModel.findOne(filter).sort({ at: -1 }).lean<LtiEvent>();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no LTI event ${JSON.stringify(filter)}`);
}
