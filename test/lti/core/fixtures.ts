import type { Express } from 'express';
import request from 'supertest';
import { createConsumer } from '../../../src/lti/v11';
import { testSecrets, TEST_BASE_URL, type TestClock } from '../../support/web';
import { launchParams, signLaunch } from '../v11/sign';

export const CONSUMER_KEY = 'core-moodle';
export const CONSUMER_SECRET = 'a-secret-of-the-core-moodle-0001';
export const LMS_ORIGIN = 'https://moodle.core.example.cn';

export async function registerConsumer(allowedOrigins = [LMS_ORIGIN]): Promise<void> {
  await createConsumer(testSecrets().secretBox, { key: CONSUMER_KEY, secret: CONSUMER_SECRET, name: '测试 Moodle', allowedOrigins });
}

/** Posts a correctly signed LTI 1.1 launch, without any cookie, as the LMS's auto-submitted form does. */
export function postLaunch(app: Express, clock: TestClock, params: Record<string, string | undefined>, options: { https?: boolean } = {}): request.Test {
  const url = options.https ? TEST_BASE_URL.replace('http://', 'https://') : TEST_BASE_URL;
  const fields = signLaunch({
    url: `${url}/lti/launch`,
    key: CONSUMER_KEY,
    secret: CONSUMER_SECRET,
    params: launchParams(params),
    timestamp: Math.floor(clock.now().getTime() / 1000),
  });
  const post = request(app).post('/lti/launch').set('Host', new URL(TEST_BASE_URL).host);
  if (options.https) post.set('X-Forwarded-Proto', 'https');
  return post.type('form').send(fields);
}

export function cookiesOf(response: request.Response): string[] {
  return (response.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

export function tokenIn(location: string): string {
  const token = new URL(location, TEST_BASE_URL).searchParams.get('lt');
  if (!token) throw new Error(`no session token in ${location}`);
  return token;
}
