import { effectiveProfile, findProfile, loadPolicyProfiles, PolicyOverrideError, setOverride } from '../../src/ledger/policies';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const profile = findProfile(loadPolicyProfiles().profiles, 'default')!;
const actor = { id: 'admin-1', name: '区管理员' };
const now = new Date('2026-11-23T08:00:00Z');
const minimum = async (id: string) => (await effectiveProfile(profile)).requirements.find((r) => r.id === id)!.minimumHours;

describe('policy overrides', () => {
  it('overrides a minimum, and removing the override restores the file value', async () => {
    expect(await minimum('continuing-education-cycle')).toBe(360);
    await setOverride(profile, { requirementId: 'continuing-education-cycle', minimumHours: 240, reason: '执行国家标准', actor, now });
    expect(await minimum('continuing-education-cycle')).toBe(240);
    expect(await minimum('homeroom-inservice-annual')).toBe(20);
    await setOverride(profile, { requirementId: 'continuing-education-cycle', minimumHours: null, reason: '恢复', actor, now });
    expect(await minimum('continuing-education-cycle')).toBe(360);
  });

  it('refuses unknown requirements, impossible hours and changes without a reason, listing every problem', async () => {
    await expect(setOverride(profile, { requirementId: 'nope', minimumHours: 0, reason: ' ', actor, now })).rejects.toThrow(PolicyOverrideError);
    try {
      await setOverride(profile, { requirementId: 'nope', minimumHours: 0, reason: ' ', actor, now });
    } catch (error) {
      expect((error as PolicyOverrideError).problems).toHaveLength(3);
    }
    expect(await minimum('homeroom-new-pre-service')).toBe(30);
  });
});
