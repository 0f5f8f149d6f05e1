import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AccommodationModel } from '../../src/quiz';
import { upsertUserFromIdentity } from '../../src/users';
import { useTestDatabase } from '../support/database';

const ROOT = path.resolve(__dirname, '..', '..');
const database = useTestDatabase();

function shixun(args: string[]) {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'shixun.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MONGODB_URI: database.uri(), MONGODB_DB: database.dbName },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('shixun users list and quiz accommodate', () => {
  it('lists people with their ids and records a time adjustment for one of them', async () => {
    const teacher = await upsertUserFromIdentity({ provider: 'dev', subject: 'cli-teacher', displayName: '刘老师', roles: ['learner'] });
    const listed = shixun(['users', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([{ id: teacher._id.toString(), name: '刘老师', school: null, roles: ['learner'] }]);

    const saved = shixun(['quiz', 'accommodate', '--user', teacher._id.toString(), '--module', 'safety-fire', '--multiplier', '1.5']);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('刘老师');
    expect(await AccommodationModel.findOne({ userId: teacher._id }).lean()).toMatchObject({ scope: 'safety-fire', multiplier: 1.5, setBy: 'cli' });
  });

  it('explains what is wrong with the options', () => {
    const missing = shixun(['quiz', 'accommodate', '--user', 'nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('must be a user id');
    const noSetting = shixun(['quiz', 'accommodate', '--user', '650000000000000000000000']);
    expect(noSetting.code).toBe(2);
    expect(noSetting.stderr).toContain('give --untimed, --multiplier or --extra-minutes');
    expect(shixun(['quiz', 'accommodate', '--user', '650000000000000000000000', '--untimed']).code).toBe(1);
  });
});
