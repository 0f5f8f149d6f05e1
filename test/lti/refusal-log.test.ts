import request from 'supertest';
import { LtiEventModel } from '../../src/lti';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

describe('a refused launch', () => {
  it('leaves a log line naming the version and reason, an event, and no session', async () => {
    const lines: string[] = [];
    const app = testApp({ log: (line) => lines.push(line) });
    const response = await request(app)
      .post('/lti/launch')
      .type('form')
      .send({ lti_message_type: 'basic-lti-launch-request', lti_version: 'LTI-1p0', oauth_consumer_key: 'nobody', user_id: 'u1', resource_link_id: 'r1' })
      .expect(401);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^lti launch refused: LTI 1\.1 [a-z-]+/)]);
    expect(await LtiEventModel.countDocuments({ kind: 'launch', outcome: 'refused' })).toBe(1);
  });

  it('of LTI 1.3 (a token that is not a JWT) is logged the same way', async () => {
    const lines: string[] = [];
    await request(testApp({ log: (line) => lines.push(line) })).post('/lti/launch').type('form').send({ id_token: 'not-a-jwt', state: 'x' }).expect(401);
    expect(lines).toEqual([expect.stringMatching(/^lti launch refused: LTI 1\.3 [a-z-]+/)]);
  });
});
