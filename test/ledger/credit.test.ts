import { Types } from 'mongoose';
import { CompletionModel, completeIfEligible, type Completion } from '../../src/completion';
import { findLatestModule, loadCatalog, syncCatalog } from '../../src/courses';
import {
  catchUpCompletions,
  creditCompletion,
  LedgerEntryModel,
  listTeacherEntries,
  registerLedgerListener,
  teacherBalance,
  verifyLedger,
} from '../../src/ledger';
import { markLessonStudied, recordLessonOpened } from '../../src/progress';
import { answerKey, loadAttempt, startAttempt, submitAttempt, toPresentedResponse } from '../../src/quiz';
import { upsertUserFromIdentity, type User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { CoursesFixture } from '../support/course-fixtures';

useTestDatabase();

const BANK = `id: ledger-bank
version: 1
track: safety
title:
  zh-CN: 台账测试题库
items:
  - id: drill
    type: true-false
    stem: 学校每年至少组织一次疏散演练。
    difficulty: easy
    tags: [drill]
    answer: true
    feedback: 至少每年一次。
  - id: lift
    type: true-false
    stem: 火灾时可以乘电梯撤离。
    difficulty: easy
    tags: [fire]
    answer: false
    feedback: 火灾时不能乘电梯。
`;

let sequence = 0;
async function teacher(name = '张老师', schoolCode = 'S002'): Promise<User> {
  sequence += 1;
  return upsertUserFromIdentity({ provider: 'dev', subject: `credit-${sequence}`, displayName: name, schoolCode, roles: ['learner'] });
}

async function completion(user: User, overrides: Partial<Completion> = {}): Promise<Completion> {
  const attemptId = overrides.attemptId ?? `attempt-${new Types.ObjectId().toHexString()}`;
  const created = await CompletionModel.create({
    idempotencyKey: `${user._id.toHexString()}:safety-fire@1:${attemptId}`,
    userId: user._id,
    moduleId: 'safety-fire',
    moduleVersion: 1,
    track: 'safety',
    category: 'safety',
    creditHours: 2,
    attemptId,
    scorePercent: 85.5,
    // 01:30 on 1 January 2026 in Beijing, still 2025 in UTC.
    completedAt: new Date('2025-12-31T17:30:00Z'),
    ...overrides,
  });
  return created.toObject() as Completion;
}

describe('crediting completions', () => {
  it('credits a passed completion exactly once, even when asked 5 times at once', async () => {
    const user = await teacher();
    const done = await completion(user);
    const results = await Promise.all(Array.from({ length: 5 }, () => creditCompletion(done)));
    expect(results.filter((r) => r?.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r?.entry.entryId)).size).toBe(1);
    const entries = await listTeacherEntries(user._id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      teacher: user._id,
      teacherSnapshot: { displayName: '张老师', schoolCode: 'S002' },
      source: { kind: 'module', moduleId: 'safety-fire', moduleVersion: 1, attemptId: done.attemptId, completionId: done._id.toHexString() },
      category: 'safety',
      hours: 2,
      trainingYear: 2026,
      occurredAt: done.completedAt,
      assessment: { passed: true, scorePercent: 85.5 },
      creditRule: 'module-completion-passed',
      recordedBy: { kind: 'system', name: 'completion-listener' },
      idempotencyKey: `completion:${done._id.toHexString()}`,
      sequence: 1,
    });
    expect(entries[0]?.trainingMode).toBeUndefined();
  });

  it('credits nothing for a completion without a passed assessment', async () => {
    const user = await teacher();
    const lessonsOnly = await completion(user, { attemptId: undefined, scorePercent: undefined, idempotencyKey: `${user._id.toHexString()}:safety-fire@1:lessons` });
    expect(await creditCompletion(lessonsOnly)).toBeUndefined();
    const noScore = await completion(user, { scorePercent: undefined });
    expect(await creditCompletion(noScore)).toBeUndefined();
    expect(await LedgerEntryModel.countDocuments({ teacher: user._id })).toBe(0);
  });

  it('catches up completions that have no entry yet, once', async () => {
    const user = await teacher('赵老师', 'S003');
    const credited = await completion(user, { completedAt: new Date('2026-03-01T02:00:00Z') });
    await creditCompletion(credited);
    const missed = [
      await completion(user, { completedAt: new Date('2026-04-01T02:00:00Z'), creditHours: 1.5 }),
      await completion(user, { completedAt: new Date('2026-05-01T02:00:00Z'), creditHours: 3 }),
    ];
    await completion(user, { attemptId: undefined, scorePercent: undefined, idempotencyKey: `${user._id.toHexString()}:other@1:lessons` });

    const lines: string[] = [];
    const first = await catchUpCompletions((line) => lines.push(line));
    // Earlier tests' completions in this database were credited or carry no pass.
    expect(first.credited).toBe(2);
    expect(first.failed).toBe(0);
    expect(lines.at(-1)).toMatch(/2 credited now/);
    const entries = await listTeacherEntries(user._id);
    expect(entries.map((e) => [e.source.kind === 'module' && e.source.completionId, e.hours, e.recordedBy.name])).toEqual([
      [credited._id.toHexString(), 2, 'completion-listener'],
      [missed[0]!._id.toHexString(), 1.5, 'completion-catch-up'],
      [missed[1]!._id.toHexString(), 3, 'completion-catch-up'],
    ]);

    expect((await catchUpCompletions(() => undefined)).credited).toBe(0);
    expect(await LedgerEntryModel.countDocuments({ teacher: user._id })).toBe(3);
    expect(await teacherBalance(user._id)).toEqual([{ trainingYear: 2026, category: 'safety', hours: 6.5, credits: 3, reversals: 0 }]);
    expect((await verifyLedger()).breaks).toEqual([]);
  });

  it('credits a module passed through the learner flow, through the completion listener', async () => {
    const fixture = new CoursesFixture()
      .write('banks/ledger-bank.yaml', BANK)
      .module('ledger-listener-module', { extra: 'assessment:\n  passMark: 60\n  pools:\n    - bank: ledger-bank\n      draw: 2\n' });
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    const module = (await findLatestModule('ledger-listener-module'))!;
    const user = await teacher('钱老师', 'S004');
    const stop = registerLedgerListener();
    try {
      expect(registerLedgerListener()).toBe(stop);
      let now = new Date('2026-06-01T01:00:00Z').getTime();
      for (const lesson of module.lessons) {
        await recordLessonOpened(user._id, module, lesson.id, new Date(now));
        now += 60_000;
        await markLessonStudied(user._id, module, lesson.id, new Date(now));
      }
      const started = await startAttempt(user._id, module, new Date(now));
      if (!started.started) throw new Error('could not start the attempt');
      const open = (await loadAttempt(started.attemptId, user._id))!;
      const answers = Object.fromEntries(open.items.map((drawn) => [drawn.key, toPresentedResponse(drawn, answerKey(drawn.item))]));
      await submitAttempt(open, module.assessment!, answers, new Date(now + 60_000));
      const logged: string[] = [];
      const done = await completeIfEligible(user._id, module, new Date(now + 120_000), (line) => logged.push(line));
      expect(logged).toEqual([]);
      const entries = await listTeacherEntries(user._id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        hours: 2.5,
        category: 'homeroom-new',
        assessment: { passed: true, scorePercent: 100 },
        idempotencyKey: `completion:${done!._id.toHexString()}`,
        teacherSnapshot: { displayName: '钱老师', schoolCode: 'S004' },
      });
    } finally {
      stop();
    }
  });
});
