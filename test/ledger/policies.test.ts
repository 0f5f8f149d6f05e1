import { evaluateTeacher, findProfile, loadPolicyProfiles, trainingYearOf, type CountedHours, type PolicyProfile } from '../../src/ledger/policies';
import { CoursesFixture } from '../support/course-fixtures';

const shipped = loadPolicyProfiles();
const profile = (id: string): PolicyProfile => findProfile(shipped.profiles, id)!;
const at = (iso: string) => new Date(iso);
const hours = (category: CountedHours['category'], amount: number, when: string): CountedHours => ({ category, hours: amount, occurredAt: at(when) });

describe('policy profiles', () => {
  it('ships valid default, 40-class-hour and national profiles', () => {
    expect(shipped.errors).toEqual([]);
    expect(shipped.profiles.map((p) => p.id).sort()).toEqual(['default', 'homeroom-40-class-hours', 'national-240']);
    const requirements = profile('default').requirements;
    expect(requirements.find((r) => r.id === 'homeroom-new-pre-service')).toMatchObject({ kind: 'before-post', minimumHours: 30 });
    expect(requirements.find((r) => r.id === 'homeroom-inservice-annual')).toMatchObject({ kind: 'annual', minimumHours: 20 });
    expect(requirements.find((r) => r.id === 'continuing-education-cycle')).toMatchObject({ kind: 'cycle', cycleYears: 5, minimumHours: 360 });
    expect(profile('homeroom-40-class-hours').requirements[0]).toMatchObject({ minimumHours: 40 });
  });

  it('reports bad profiles with file and line', () => {
    const fixture = new CoursesFixture().write(
      'bad.yaml',
      'id: bad\ntitle:\n  zh-CN: 坏\nrequirements:\n  - id: c\n    kind: cycle\n    title: { zh-CN: 周期 }\n    appliesTo: everyone\n    categories: [safety]\n    minimumHours: 10\n    cycleYears: 5\n    anchorYear: 2026\n    categoryMinimums: { safety: 20 }\n',
    );
    const { errors, profiles } = loadPolicyProfiles(fixture.dir, fixture.dir);
    expect(profiles).toEqual([]);
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'bad.yaml', line: 8, message: expect.stringMatching(/appliesTo/) })]));
  });
});

describe('training years', () => {
  it('count in China Standard Time, from the profile start month', () => {
    expect(trainingYearOf(at('2026-12-31T16:30:00Z'), 1)).toBe(2027); // 00:30 on 1 January in Beijing
    expect(trainingYearOf(at('2026-12-31T15:30:00Z'), 1)).toBe(2026);
    expect(trainingYearOf(at('2026-08-31T12:00:00Z'), 9)).toBe(2025);
    expect(trainingYearOf(at('2026-09-01T00:00:00Z'), 9)).toBe(2026);
  });
});

describe('evaluateTeacher', () => {
  const asOf = at('2026-11-23T08:00:00Z');

  it('shows a new homeroom teacher short of the pre-service hours, due on the post start date', () => {
    const [preService, cycle] = evaluateTeacher(
      profile('default'),
      { audiences: ['homeroom-new'], postStartDate: at('2027-02-20T00:00:00Z') },
      [hours('homeroom-new', 3.5, '2026-10-01T02:00:00Z'), hours('homeroom-new', 3.5, '2026-10-08T02:00:00Z'), hours('safety', 1, '2026-10-09T02:00:00Z')],
      asOf,
    );
    expect(preService).toMatchObject({ earnedHours: 7, requiredHours: 30, shortBy: 23, met: false, overdue: false, dueDate: at('2027-02-20T00:00:00Z') });
    expect(cycle).toMatchObject({ earnedHours: 8, shortBy: 352, met: false, period: expect.objectContaining({ label: '2026–2030' }) });
  });

  it('counts only this training year for the annual requirement, and reversals subtract', () => {
    const [annual] = evaluateTeacher(
      profile('default'),
      { audiences: ['homeroom-inservice'] },
      [
        hours('homeroom-inservice', 15, '2025-06-01T00:00:00Z'), // last year: does not count
        hours('homeroom-inservice', 12, '2026-03-01T00:00:00Z'),
        hours('homeroom-inservice', 10, '2026-05-01T00:00:00Z'),
        hours('homeroom-inservice', -2, '2026-05-02T00:00:00Z'),
      ],
      asOf,
    );
    expect(annual).toMatchObject({ earnedHours: 20, met: true, shortBy: 0, period: expect.objectContaining({ label: '2026' }) });
  });

  it('applies only the requirements for the teacher\'s tiers', () => {
    const ids = (audiences: ('homeroom-new' | 'homeroom-inservice')[]) =>
      evaluateTeacher(profile('default'), { audiences }, [], asOf).map((s) => s.requirement.id);
    expect(ids([])).toEqual(['continuing-education-cycle']);
    expect(ids(['homeroom-inservice'])).toEqual(['homeroom-inservice-annual', 'continuing-education-cycle']);
  });

  it('checks category minimums inside a cycle', () => {
    const withMinimum: PolicyProfile = {
      ...profile('national-240'),
      requirements: [{ ...(profile('national-240').requirements[0] as Extract<PolicyProfile['requirements'][number], { kind: 'cycle' }>), categoryMinimums: { 'ethics-integrity': 12 } }],
    };
    const [cycle] = evaluateTeacher(withMinimum, { audiences: [] }, [hours('school-based', 250, '2027-01-10T00:00:00Z'), hours('ethics-integrity', 4, '2027-01-10T00:00:00Z')], asOf);
    expect(cycle).toMatchObject({ earnedHours: 254, met: false, shortBy: 0 });
    expect(cycle!.categoryShortfalls).toEqual([{ category: 'ethics-integrity', requiredHours: 12, earnedHours: 4, shortBy: 8 }]);
  });

  it('marks an unmet requirement overdue after its due date', () => {
    const [preService] = evaluateTeacher(profile('homeroom-40-class-hours'), { audiences: ['homeroom-new'], postStartDate: at('2026-09-01T00:00:00Z') }, [hours('homeroom-new', 32, '2026-08-01T00:00:00Z')], asOf);
    expect(preService).toMatchObject({ requiredHours: 40, shortBy: 8, overdue: true });
  });
});
