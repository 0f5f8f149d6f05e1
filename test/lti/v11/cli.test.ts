import { LtiConsumerModel } from '../../../src/lti/v11';
import { runShixun } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { TEST_ENCRYPTION_KEY, testSecrets } from '../../support/web';

const database = useTestDatabase();

/** Same database as the test, and the test's encryption key, so the test can open what the CLI sealed. */
const shixun = (args: string[]) =>
  runShixun(args, { MONGODB_URI: database.uri(), MONGODB_DB: database.dbName, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, BASE_URL: 'https://shixun.school.example.cn' });

describe('shixun lti add-consumer / list-consumers', () => {
  test('registers a consumer with the given secret, sealed, and does not echo the secret', async () => {
    const result = shixun(['lti', 'add-consumer', '--key', 'moodle-xinhua', '--secret', 'cli-given-secret-0123456789', '--name', '新华路小学 Moodle', '--origin', 'https://moodle.xinhua.example.cn/']);
    expect(result.stderr).toContain('LTI 1.1 consumer moodle-xinhua (新华路小学 Moodle) registered; launch URL https://shixun.school.example.cn/lti/launch');
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('cli-given-secret-0123456789');
    const stored = await LtiConsumerModel.findOne({ key: 'moodle-xinhua' }).lean();
    expect(testSecrets().secretBox.open(stored!.sealedSecret)).toBe('cli-given-secret-0123456789');
    expect(stored!.allowedOrigins).toEqual(['https://moodle.xinhua.example.cn']);
  });

  test('without --secret, generates one and prints it once on stdout', async () => {
    const result = shixun(['lti', 'add-consumer', '--key', 'canvas-district']);
    expect(result.code).toBe(0);
    const secret = result.stdout.trim();
    expect(secret).toMatch(/^[\w-]{32}$/);
    const stored = await LtiConsumerModel.findOne({ key: 'canvas-district' }).lean();
    expect(testSecrets().secretBox.open(stored!.sealedSecret)).toBe(secret);
    expect(stored!.name).toBe('canvas-district');
  });

  test('refuses a duplicate key (exit 1), a missing key or a short secret (exit 2)', () => {
    const duplicate = shixun(['lti', 'add-consumer', '--key', 'moodle-xinhua', '--secret', 'another-secret-0123456789']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    expect(shixun(['lti', 'add-consumer', '--secret', 'another-secret-0123456789']).code).toBe(2);
    const short = shixun(['lti', 'add-consumer', '--key', 'short', '--secret', 'abc']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 16 characters');
  });

  test('lists consumers without secrets', () => {
    const text = shixun(['lti', 'list-consumers']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('moodle-xinhua  新华路小学 Moodle  enabled');
    expect(text.stdout).toContain('origins https://moodle.xinhua.example.cn');
    expect(text.stdout).not.toContain('cli-given-secret');
    const json = JSON.parse(shixun(['lti', 'list-consumers', '--json']).stdout) as { key: string; disabled: boolean }[];
    expect(json.map((consumer) => consumer.key)).toEqual(['moodle-xinhua', 'canvas-district']);
    expect(JSON.stringify(json)).not.toMatch(/secret/i);
  });
});
