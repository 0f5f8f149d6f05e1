import { Types } from 'mongoose';
import {
  appendEntry,
  computeEntryHash,
  GENESIS_HASH,
  LedgerConflictError,
  LedgerEntryModel,
  LedgerInputError,
  listTeacherEntries,
  teacherBalance,
  verifyLedger,
  type AppendInput,
} from '../../src/ledger';
import { useTestDatabase } from '../support/database';
import { offlineCredit } from './fixtures';

useTestDatabase();

async function inputError(input: unknown): Promise<LedgerInputError> {
  const error = await appendEntry(input as AppendInput).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LedgerInputError);
  return error as LedgerInputError;
}

describe('appendEntry', () => {
  it('chains a teacher’s entries by sequence and prevHash', async () => {
    const teacher = new Types.ObjectId();
    const first = await appendEntry(offlineCredit(teacher, { hours: 2.5 }));
    const second = await appendEntry(offlineCredit(teacher, { hours: 1.333, category: 'safety', trainingMode: undefined }));
    expect(first.created).toBe(true);
    expect(first.entry).toMatchObject({ sequence: 1, prevHash: GENESIS_HASH, hours: 2.5, trainingMode: 'thematic-lecture' });
    expect(second.entry).toMatchObject({ sequence: 2, prevHash: first.entry.hash, hours: 1.33, category: 'safety' });
    expect(second.entry.trainingMode).toBeUndefined();
    expect(first.entry.hash).toBe(computeEntryHash(first.entry, GENESIS_HASH));

    // What was stored is what was hashed.
    const stored = await LedgerEntryModel.findOne({ entryId: second.entry.entryId }).lean();
    expect(computeEntryHash(stored as Record<string, unknown>, first.entry.hash)).toBe(second.entry.hash);

    const entries = await listTeacherEntries(teacher);
    expect(entries.map((e) => [e.sequence, e.runningHours])).toEqual([
      [1, 2.5],
      [2, 3.83],
    ]);
    expect(await teacherBalance(teacher)).toEqual([
      { trainingYear: 2026, category: 'school-based', hours: 2.5, credits: 1, reversals: 0 },
      { trainingYear: 2026, category: 'safety', hours: 1.33, credits: 1, reversals: 0 },
    ]);
    // Another teacher's chain starts at 1.
    expect((await appendEntry(offlineCredit(new Types.ObjectId()))).entry.sequence).toBe(1);
  });

  it('returns the existing entry when the idempotency key was already appended', async () => {
    const teacher = new Types.ObjectId();
    const input = offlineCredit(teacher);
    const first = await appendEntry(input);
    const again = await appendEntry(input);
    expect(again).toEqual({ entry: first.entry, created: false });
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(1);
  });

  it('refuses a key reused for a different credit', async () => {
    const teacher = new Types.ObjectId();
    const input = offlineCredit(teacher);
    await appendEntry(input);
    await expect(appendEntry({ ...input, hours: 5 })).rejects.toBeInstanceOf(LedgerConflictError);
    await expect(appendEntry(offlineCredit(new Types.ObjectId(), { idempotencyKey: input.idempotencyKey }))).rejects.toBeInstanceOf(LedgerConflictError);
  });

  it('appends exactly one entry for 20 concurrent appends with the same key', async () => {
    const teacher = new Types.ObjectId();
    const input = offlineCredit(teacher);
    const results = await Promise.all(Array.from({ length: 20 }, () => appendEntry(input)));
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(1);
    expect(new Set(results.map((r) => r.entry.entryId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('keeps 20 concurrent appends for one teacher in one intact chain, sequences 1..20', async () => {
    const teacher = new Types.ObjectId();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => appendEntry(offlineCredit(teacher, { hours: i + 1 }))));
    expect(results.every((r) => r.created)).toBe(true);
    const entries = await listTeacherEntries(teacher);
    expect(entries.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    entries.forEach((entry, i) => expect(entry.prevHash).toBe(i === 0 ? GENESIS_HASH : entries[i - 1]!.hash));
    expect(entries.at(-1)?.runningHours).toBe(210);
    expect(await verifyLedger({ teacher })).toEqual({ teachers: 1, entries: 20, breaks: [] });
  });

  it('rejects bad input and lists every problem', async () => {
    const teacher = new Types.ObjectId();
    const zero = await inputError(offlineCredit(teacher, { hours: 0, category: 'safety' }));
    expect(zero.problems).toEqual([
      expect.stringMatching(/^hours: must be more than 0 and at most 200/),
      expect.stringMatching(/^trainingMode: only school-based training has a training mode/),
    ]);
    expect((await inputError(offlineCredit(teacher, { hours: -1 }))).problems).toEqual([expect.stringMatching(/^hours:/)]);
    expect((await inputError(offlineCredit(teacher, { hours: 200.5 }))).problems).toEqual([expect.stringMatching(/^hours: must be more than 0 and at most 200/)]);
    expect((await inputError(offlineCredit(teacher, { hours: Number.NaN }))).problems).toEqual([expect.stringMatching(/^hours:/)]);
    expect((await inputError(offlineCredit(teacher, { hours: 0.001 }))).problems).toEqual([expect.stringMatching(/^hours: must be at least 0.01/)]);

    const many = await inputError({
      ...offlineCredit(teacher),
      category: 'cooking',
      trainingMode: 'karaoke',
      hours: Number.NaN,
      trainingYear: 2026.5,
      occurredAt: new Date('not a date'),
      recordedBy: { kind: 'user', name: '' },
      idempotencyKey: '',
    });
    const fields = many.problems.map((p) => p.split(':')[0]);
    expect(fields).toEqual(
      expect.arrayContaining(['category', 'trainingMode', 'hours', 'trainingYear', 'occurredAt', 'recordedBy.name', 'recordedBy.id', 'idempotencyKey']),
    );
    expect(many.problems).toContainEqual(expect.stringMatching(/^trainingMode: only school-based training has a training mode \(category is "cooking"\)/));
    expect(many.message).toContain('invalid ledger input');

    const module = await inputError(
      offlineCredit(teacher, {
        category: 'safety',
        trainingMode: undefined,
        source: { kind: 'module', moduleId: 'safety-fire', moduleVersion: 1, attemptId: 'a1', completionId: 'c1' },
        assessment: { passed: false, scorePercent: 40 },
      }),
    );
    expect(module.problems).toEqual(['assessment.passed: hours are credited only for a passed assessment']);
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(0);
  });
});
