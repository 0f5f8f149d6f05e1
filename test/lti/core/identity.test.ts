import type { VerifiedLaunch } from '../../../src/lti';
import { IdentityLinkModel, resolveLaunchUser } from '../../../src/lti/identity';
import { PlacementModel, recordPlacement } from '../../../src/lti/placements';
import { upsertSchool, UserModel } from '../../../src/users';
import { useTestDatabase } from '../../support/database';

useTestDatabase();

const LTI11 = 'lti11:moodle-xinhua';
const LTI13 = 'lti13:https://moodle.xinhua.example.cn|client-9';
const now = new Date('2026-09-01T08:00:00Z');

function launch(overrides: Partial<VerifiedLaunch> = {}): VerifiedLaunch {
  return { version: '1.1', provider: LTI11, subject: 'u-1', roles: ['learner'], lmsRoles: ['Learner'], kind: 'resource', ...overrides };
}

beforeAll(async () => {
  await upsertSchool({ code: 'xinhua', name: '新华路小学' });
});

describe('identity from a launch', () => {
  test('the same identity is the same person; the LMS name, email, known school and roles win, what it omits is kept', async () => {
    const first = await resolveLaunchUser(launch({ subject: 'keep', displayName: '王小红', email: 'w@x.cn', schoolCode: 'xinhua' }), now);
    expect(first).toMatchObject({ provider: LTI11, subject: 'keep', displayName: '王小红', email: 'w@x.cn', schoolCode: 'xinhua', roles: ['learner'] });
    const again = await resolveLaunchUser(launch({ subject: 'keep', roles: ['trainer'], schoolCode: 'no-such-school' }), now);
    expect(again._id.equals(first._id)).toBe(true);
    expect(again).toMatchObject({ displayName: '王小红', email: 'w@x.cn', schoolCode: 'xinhua', roles: ['trainer'] });
    const renamed = await resolveLaunchUser(launch({ subject: 'keep', displayName: '王晓红' }), now);
    expect(renamed.displayName).toBe('王晓红');
    expect(await UserModel.countDocuments({ subject: 'keep' })).toBe(1);
  });

  test('a launch without any name still makes a person, named by their LMS id', async () => {
    const user = await resolveLaunchUser(launch({ subject: 'anonymous-42' }), now);
    expect(user.displayName).toBe('anonymous-42');
    expect(user.email).toBeUndefined();
  });

  test('lti1p1 migration: the 1.3 identity resolves to the teacher of the 1.1 identity, linked once', async () => {
    const teacher = await resolveLaunchUser(launch({ subject: 'migrating', displayName: '李老师' }), now);
    const migrated = launch({ version: '1.3', provider: LTI13, subject: 'sub-abc', displayName: '李老师', migratedFrom: { provider: LTI11, subject: 'migrating' } });
    const results = await Promise.all(Array.from({ length: 5 }, () => resolveLaunchUser(migrated, now)));
    for (const user of results) expect(user._id.equals(teacher._id)).toBe(true);
    expect(await IdentityLinkModel.countDocuments({ provider: LTI13, subject: 'sub-abc' })).toBe(1);
    expect(await UserModel.countDocuments({ provider: LTI13 })).toBe(0);
    // Later 1.3 launches no longer need the claim.
    const later = await resolveLaunchUser(launch({ version: '1.3', provider: LTI13, subject: 'sub-abc', roles: ['trainer'] }), now);
    expect(later._id.equals(teacher._id)).toBe(true);
    expect(later.roles).toEqual(['trainer']);
  });

  test('a migration claim naming a 1.1 identity nobody used makes a new 1.3 person, without a link', async () => {
    const user = await resolveLaunchUser(launch({ version: '1.3', provider: LTI13, subject: 'sub-new', migratedFrom: { provider: LTI11, subject: 'never-launched' } }), now);
    expect(user).toMatchObject({ provider: LTI13, subject: 'sub-new' });
    expect(await IdentityLinkModel.countDocuments({ subject: 'sub-new' })).toBe(0);
  });
});

describe('placements', () => {
  test('a resource launch records where the score goes and the roster service; the newest launch wins', async () => {
    const user = await resolveLaunchUser(launch({ subject: 'placed' }), now);
    const outcome = { kind: 'lti11' as const, consumerKey: 'moodle-xinhua', serviceUrl: 'https://moodle.example/grades', sourcedId: 's-1' };
    const first = launch({ subject: 'placed', resourceLink: { id: 'rl-1' }, context: { id: 'c-1', title: '培训' }, moduleId: 'm-1', outcome, membershipsUrl: 'https://moodle.example/members' });
    await Promise.all([recordPlacement(user._id, first, now), recordPlacement(user._id, first, now)]);
    const later = new Date(now.getTime() + 60_000);
    const placement = await recordPlacement(user._id, { ...first, outcome: undefined, roles: ['trainer'] }, later);
    expect(placement).toMatchObject({ resourceLinkId: 'rl-1', contextId: 'c-1', moduleId: 'm-1', roles: ['trainer'], firstLaunchAt: now, lastLaunchAt: later });
    expect(placement!.outcome).toBeUndefined();
    expect(await PlacementModel.countDocuments({ userId: user._id })).toBe(1);
  });

  test('deep-linking launches place nothing', async () => {
    const user = await resolveLaunchUser(launch({ subject: 'picker' }), now);
    expect(await recordPlacement(user._id, launch({ subject: 'picker', kind: 'deep-linking', deepLinking: { returnUrl: 'https://lms/return', acceptMultiple: true } }), now)).toBeUndefined();
  });
});
