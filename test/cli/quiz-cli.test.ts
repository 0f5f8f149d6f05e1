import { AccommodationModel } from '../../src/quiz';
import { upsertUserFromIdentity } from '../../src/users';
import { shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';

const database = useTestDatabase();

const shixun = shixunOn(database);

describe('shixun api-token', () => {
  it('creates a token for a registrar, shows it once, and revokes it', async () => {
    const registrar = await upsertUserFromIdentity({ provider: 'dev', subject: 'cli-registrar', displayName: '教务处', roles: ['registrar'], scopeSchoolCodes: ['s1'] });
    const created = shixun(['api-token', 'create', '--user', registrar._id.toString(), '--name', '区平台']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^sxn_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    const tokenId = token.split('_')[1]!;
    expect(shixun(['api-token', 'list']).stdout).toContain(tokenId);
    expect(shixun(['api-token', 'list']).stdout).not.toContain(token);
    expect(shixun(['api-token', 'revoke', '--token-id', tokenId]).code).toBe(0);
    expect(shixun(['api-token', 'revoke', '--token-id', tokenId]).code).toBe(1);
    const learner = await upsertUserFromIdentity({ provider: 'dev', subject: 'cli-learner', displayName: '学员', roles: ['learner'] });
    expect(shixun(['api-token', 'create', '--user', learner._id.toString(), '--name', 'x']).code).toBe(1);
    expect(shixun(['api-token', 'create', '--user', 'nobody']).code).toBe(2);
  });
});

describe('shixun users list and quiz accommodate', () => {
  it('lists people with their ids and records a time adjustment for one of them', async () => {
    const teacher = await upsertUserFromIdentity({ provider: 'dev', subject: 'cli-teacher', displayName: '刘老师', roles: ['learner'] });
    const listed = shixun(['users', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(expect.arrayContaining([{ id: teacher._id.toString(), name: '刘老师', school: null, roles: ['learner'] }]));

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
