import request from 'supertest';
import { SigningKeyModel } from '../../src/keys';
import { runShixun } from '../support/cli';
import { useTestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY, testApp, testSecrets } from '../support/web';

const database = useTestDatabase();
const shixun = (args: string[]) => runShixun(args, { MONGODB_URI: database.uri(), MONGODB_DB: database.dbName, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });

describe('shixun keys', () => {
  it('rotates the signing key while every earlier key stays published at /lti/jwks', async () => {
    const first = (await testSecrets().keyring.current()).kid;
    const rotated = shixun(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    const newest = await SigningKeyModel.findOne().sort({ generation: -1 }).lean();
    expect(newest?.kid).not.toBe(first);
    expect(rotated.stdout).toContain(`${first} → ${newest?.kid}`);

    const listed = shixun(['keys', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      { kid: newest?.kid, alg: 'RS256' },
      { kid: first, alg: 'RS256' },
    ]);
    // A server started now signs with the new key and still publishes the old one.
    const secrets = testSecrets();
    expect((await secrets.keyring.current()).kid).toBe(newest?.kid);
    const jwks = await request(testApp(secrets)).get('/lti/jwks').expect(200);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([newest?.kid, first]);
  });

  it('cannot read the keys with another ENCRYPTION_KEY, and says why', async () => {
    const wrong = runShixun(['keys', 'rotate'], { MONGODB_URI: database.uri(), MONGODB_DB: database.dbName, ENCRYPTION_KEY: 'a-different-key-that-is-long-enough-too' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/ENCRYPTION_KEY differs/);
  });
});
