import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { LedgerEntryModel, listTeacherEntries, verifyLedger } from '../../src/ledger';
import {
  ActivityConflictError,
  ActivityDecisionModel,
  ActivityForbiddenError,
  ActivityInputError,
  ActivityNotFoundError,
  applyApprovedActivities,
  approveActivity,
  getActivity,
  listActivities,
  OfflineActivityModel,
  recordActivity,
  rejectActivity,
  storeEvidence,
  type Actor,
  type RecordActivityInput,
} from '../../src/ledger/activities';
import type { User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { chinaDayFromToday, pdfBuffer, staff, teacher } from './fixtures';

useTestDatabase();

let wang: User;
let li: User;
let zhang: User; // S002
let registrarA: Actor; // S001
let registrarB: Actor; // S001
let registrarOther: Actor; // S002
let admin: Actor;

beforeAll(async () => {
  wang = await teacher('王芳', 'S001');
  li = await teacher('李明', 'S001');
  zhang = await teacher('张伟', 'S002');
  registrarA = await staff('陈主任', ['registrar'], ['S001']);
  registrarB = await staff('周老师', ['registrar'], ['S001']);
  registrarOther = await staff('吴主任', ['registrar'], ['S002']);
  admin = await staff('区教师发展中心', ['admin']);
});

function lecture(teachers: User[], overrides: Partial<RecordActivityInput> = {}): RecordActivityInput {
  return {
    title: '专题讲座：班级管理中的沟通',
    trainingMode: 'thematic-lecture',
    hours: 2.5,
    occurredAt: '2026-03-05',
    teacherIds: teachers.map((t) => t._id.toHexString()),
    notes: '全体班主任参加',
    ...overrides,
  };
}

async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

const entriesOf = (activityId: string) => LedgerEntryModel.find({ 'source.activityId': activityId }).lean();

describe('recording activities', () => {
  it('records an activity for one teacher, pending and crediting nothing', async () => {
    const activity = await recordActivity(lecture([wang]), registrarA);
    expect(activity).toMatchObject({
      activityId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: '专题讲座：班级管理中的沟通',
      trainingMode: 'thematic-lecture',
      category: 'school-based',
      hours: 2.5,
      occurredAt: new Date('2026-03-04T16:00:00Z'),
      schoolCodes: ['S001'],
      evidence: [],
      notes: '全体班主任参加',
      origin: { kind: 'form' },
      submittedBy: { id: registrarA.id, name: '陈主任' },
      status: 'pending',
    });
    expect(activity.teacherIds.map(String)).toEqual([wang._id.toHexString()]);
    expect(activity.decision).toBeUndefined();
    expect(await entriesOf(activity.activityId)).toHaveLength(0);
    expect((await getActivity(activity.activityId, registrarB)).status).toBe('pending');
  });

  it('records one activity for a list of teachers, with a Chinese mode name and a category', async () => {
    const activity = await recordActivity(lecture([wang, li], { trainingMode: '师徒结对', category: '在岗班主任', hours: '4' }), registrarA);
    expect(activity).toMatchObject({ trainingMode: 'mentoring', category: 'homeroom-inservice', hours: 4 });
    expect(activity.teacherIds).toHaveLength(2);
  });

  it('lists every problem with the input at once', async () => {
    const error = await failure(
      recordActivity(
        {
          title: '  ',
          trainingMode: 'dance',
          category: 'sports',
          hours: 200.5,
          occurredAt: chinaDayFromToday(2),
          teacherIds: [wang._id.toHexString(), 'nope', wang._id.toHexString(), new Types.ObjectId().toHexString()],
          notes: 'bell\u0007',
          evidence: [{ fileId: '../x' } as never],
        },
        registrarA,
      ),
      ActivityInputError,
    );
    const fields = error.problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(
      expect.arrayContaining(['title', 'trainingMode', 'category', 'hours', 'occurredAt', 'notes', 'teacherIds[1]', 'teacherIds[2]', 'teacherIds', 'evidence[0]']),
    );
    expect(error.problems).toHaveLength(10);
    expect(error.problems.find((p) => p.startsWith('occurredAt'))).toMatch(/future/);
    expect(error.problems.find((p) => p.startsWith('teacherIds[2]'))).toMatch(/repeats teacherIds\[0\]/);

    const hours = await failure(recordActivity(lecture([wang], { hours: 1.234 }), registrarA), ActivityInputError);
    expect(hours.problems).toEqual(['hours: must have at most 2 decimals (hours are kept to the hundredth)']);
    const none = await failure(recordActivity(lecture([]), registrarA), ActivityInputError);
    expect(none.problems).toEqual(['teacherIds: name at least one teacher']);
    const notTeacher = await failure(recordActivity({ ...lecture([]), teacherIds: [registrarB.id] }, registrarA), ActivityInputError);
    expect(notTeacher.problems[0]).toMatch(/is not a teacher/);
    expect(await OfflineActivityModel.countDocuments({ title: '  ' })).toBe(0);
  });

  it('keeps registrars to the teachers of their schools; admins record for anyone', async () => {
    const error = await failure(recordActivity(lecture([wang, zhang]), registrarA), ActivityForbiddenError);
    expect(error.message).toMatch(/张伟 \(S002\)/);
    await failure(recordActivity(lecture([wang]), { ...registrarA, scopeSchoolCodes: undefined }), ActivityForbiddenError);
    const learner: Actor = { id: wang._id.toHexString(), name: '王芳', roles: ['learner'] };
    await failure(recordActivity(lecture([wang]), learner), ActivityForbiddenError);
    await failure(recordActivity(lecture([wang]), { id: '', name: 'x', roles: ['admin'] }), ActivityForbiddenError);

    const both = await recordActivity(lecture([wang, zhang]), admin);
    expect(both.schoolCodes).toEqual(['S001', 'S002']);
    // An activity with a teacher outside a registrar's schools is not theirs to see or decide.
    await failure(getActivity(both.activityId, registrarA), ActivityForbiddenError);
    await failure(approveActivity(both.activityId, registrarA), ActivityForbiddenError);
    expect((await listActivities(registrarA)).map((a) => a.activityId)).not.toContain(both.activityId);
    expect((await listActivities(admin)).map((a) => a.activityId)).toContain(both.activityId);
  });

  it('keeps evidence files, checked against the stored ones when a data dir is given', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'shixun-activity-'));
    try {
      const sheet = await storeEvidence({ buffer: pdfBuffer(), originalName: '签到表.pdf' }, dataDir);
      const activity = await recordActivity(lecture([wang], { evidence: [sheet] }), registrarA, { dataDir });
      expect(activity.evidence).toEqual([sheet]);
      const forged = { ...sheet, fileId: 'f'.repeat(32) };
      const error = await failure(recordActivity(lecture([wang], { evidence: [sheet, sheet, forged] }), registrarA, { dataDir }), ActivityInputError);
      expect(error.problems).toEqual([`evidence[1]: file ${sheet.fileId} is listed twice`, `evidence[2]: no stored file ${'f'.repeat(32)}`]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('returns the first activity when a form is submitted twice with the same key', async () => {
    const [first, second] = await Promise.all([
      recordActivity(lecture([li]), registrarA, { submissionKey: 'form-key-0001' }),
      recordActivity(lecture([li]), registrarA, { submissionKey: 'form-key-0001' }),
    ]);
    expect(second?.activityId).toBe(first?.activityId);
    expect(await OfflineActivityModel.countDocuments({ key: `submit:${registrarA.id}:form-key-0001` })).toBe(1);
  });
});

describe('approving and rejecting', () => {
  it('credits one entry per teacher on approval, exactly once when 5 approve at the same moment', async () => {
    const activity = await recordActivity(lecture([wang, li]), registrarA);
    const approvers = [registrarB, registrarB, admin, registrarB, admin];
    const results = await Promise.all(approvers.map((approver) => approveActivity(activity.activityId, approver)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.reduce((sum, r) => sum + r.credit.appended, 0)).toBe(2);
    expect(results.every((r) => r.credit.failed.length === 0 && r.activity.status === 'approved')).toBe(true);
    expect(await ActivityDecisionModel.countDocuments({ activityId: activity.activityId })).toBe(1);

    const entries = await entriesOf(activity.activityId);
    expect(entries).toHaveLength(2);
    const winner = results.find((r) => r.created)?.activity.decision?.by;
    for (const user of [wang, li]) {
      const entry = entries.find((e) => String(e.teacher) === user._id.toHexString());
      expect(entry).toMatchObject({
        teacherSnapshot: { displayName: user.displayName, schoolCode: 'S001' },
        source: { kind: 'offline', activityId: activity.activityId },
        category: 'school-based',
        trainingMode: 'thematic-lecture',
        hours: 2.5,
        trainingYear: 2026,
        occurredAt: new Date('2026-03-04T16:00:00Z'),
        creditRule: 'offline-activity-approved',
        recordedBy: { kind: 'user', id: winner?.id, name: winner?.name },
        idempotencyKey: `activity:${activity.activityId}:${user._id.toHexString()}`,
      });
    }
    expect((await verifyLedger()).breaks).toEqual([]);

    // Approving again adds nothing.
    const again = await approveActivity(activity.activityId, registrarB);
    expect(again).toMatchObject({ created: false, credit: { teachers: 2, appended: 0, failed: [] } });
    expect(await entriesOf(activity.activityId)).toHaveLength(2);
  });

  it('leaves the training mode off entries of other categories (the ledger’s rule)', async () => {
    const activity = await recordActivity(lecture([li], { category: 'safety', trainingMode: 'salon' }), registrarA);
    await approveActivity(activity.activityId, registrarB);
    const [entry] = await entriesOf(activity.activityId);
    expect(entry).toMatchObject({ category: 'safety', hours: 2.5 });
    expect(entry?.trainingMode).toBeUndefined();
  });

  it('applies the four-eyes rule to registrars, not to admins', async () => {
    const own = await recordActivity(lecture([wang]), registrarA);
    const error = await failure(approveActivity(own.activityId, registrarA), ActivityForbiddenError);
    expect(error.message).toMatch(/four-eyes/);
    expect((await getActivity(own.activityId, registrarA)).status).toBe('pending');

    // A registrar who is also a teacher may not approve their own hours either.
    const dual = await staff('郑老师', ['registrar', 'learner'], ['S001'], 'S001');
    const forDual = await recordActivity({ ...lecture([]), teacherIds: [dual.id] }, registrarA);
    await failure(approveActivity(forDual.activityId, dual), ActivityForbiddenError);
    expect((await approveActivity(forDual.activityId, registrarB)).created).toBe(true);

    const byAdmin = await recordActivity(lecture([wang]), admin);
    expect((await approveActivity(byAdmin.activityId, admin)).created).toBe(true);
    expect(await entriesOf(byAdmin.activityId)).toHaveLength(1);
  });

  it('rejects with a reason only, credits nothing, and keeps the first decision', async () => {
    const activity = await recordActivity(lecture([wang, li]), registrarA);
    expect((await failure(rejectActivity(activity.activityId, '  ', registrarB), ActivityInputError)).problems).toEqual(['reason: a rejection needs a reason']);
    expect((await getActivity(activity.activityId, registrarB)).status).toBe('pending');

    const rejected = await rejectActivity(activity.activityId, '没有签到表', registrarB);
    expect(rejected).toMatchObject({ created: true, activity: { status: 'rejected', decision: { decision: 'rejected', reason: '没有签到表', by: { id: registrarB.id }, via: 'review' } } });
    expect((await rejectActivity(activity.activityId, '再次', admin)).created).toBe(false);
    await failure(approveActivity(activity.activityId, admin), ActivityConflictError);
    expect(await entriesOf(activity.activityId)).toHaveLength(0);

    // A submitter may withdraw (reject) their own activity.
    const mine = await recordActivity(lecture([li]), registrarA);
    expect((await rejectActivity(mine.activityId, '重复录入', registrarA)).activity.status).toBe('rejected');
  });

  it('lets one of a simultaneous approval and rejection win, and credits accordingly', async () => {
    const activity = await recordActivity(lecture([wang]), registrarA);
    const [approved, rejected] = await Promise.allSettled([approveActivity(activity.activityId, registrarB), rejectActivity(activity.activityId, '证据不足', admin)]);
    const winners = [approved, rejected].filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const loser = [approved, rejected].find((r) => r.status === 'rejected');
    expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(ActivityConflictError);
    expect(await entriesOf(activity.activityId)).toHaveLength(approved.status === 'fulfilled' ? 1 : 0);
  });

  it('says not found for an unknown activity', async () => {
    await failure(approveActivity('no-such-activity', admin), ActivityNotFoundError);
    await failure(getActivity('no-such-activity', registrarA), ActivityNotFoundError);
  });

  it('lists activities by status within the registrar’s schools', async () => {
    const pending = await listActivities(registrarA, { status: 'pending' });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((a) => a.status === 'pending' && a.schoolCodes.every((c) => c === 'S001'))).toBe(true);
    expect((await listActivities(registrarA, { status: 'approved', teacherId: li._id.toHexString() })).every((a) => a.teacherIds.some((id) => id.equals(li._id)))).toBe(true);
    expect(await listActivities(registrarOther)).toEqual([]);
    const submitted = pending.map((a) => a.submittedAt.getTime());
    expect([...submitted].sort((a, b) => b - a)).toEqual(submitted);
  });
});

describe('applyApprovedActivities', () => {
  it('appends what a crash between the decision and the entries left out, and nothing on a re-run', async () => {
    const activity = await recordActivity(lecture([wang, li, zhang], { title: '课题研究：作业设计', trainingMode: 'research-project', hours: 6 }), admin);
    // The approval was stored, then the process died before any entry was appended.
    await ActivityDecisionModel.create({ _id: activity.activityId, activityId: activity.activityId, decision: 'approved', by: { id: registrarB.id, name: registrarB.name }, at: new Date(), via: 'review' });
    expect(await entriesOf(activity.activityId)).toHaveLength(0);

    const lines: string[] = [];
    const first = await applyApprovedActivities({ log: (line) => lines.push(line) });
    expect(first.appended).toBe(3);
    expect(first.failed).toBe(0);
    expect(await entriesOf(activity.activityId)).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/3 entries appended now/);

    const [again, concurrent] = await Promise.all([applyApprovedActivities(), applyApprovedActivities()]);
    expect(again?.appended).toBe(0);
    expect(concurrent?.appended).toBe(0);
    expect(again?.entries).toBe(first.entries);
    const hours = (await listTeacherEntries(zhang._id)).filter((e) => e.source.kind === 'offline' && e.source.activityId === activity.activityId);
    expect(hours.map((e) => e.hours)).toEqual([6]);
    expect((await verifyLedger()).breaks).toEqual([]);
  });
});
