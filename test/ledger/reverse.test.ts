import { Types } from 'mongoose';
import {
  appendEntry,
  correctEntry,
  LedgerEntryModel,
  LedgerEntryNotFoundError,
  LedgerInputError,
  LedgerRefusedError,
  listTeacherEntries,
  reverseEntry,
  teacherBalance,
  verifyLedger,
} from '../../src/ledger';
import { useTestDatabase } from '../support/database';
import { offlineCredit, registrar } from './fixtures';

useTestDatabase();

describe('reverseEntry', () => {
  it('appends the negated hours, and the balance returns to zero', async () => {
    const teacher = new Types.ObjectId();
    const { entry } = await appendEntry(offlineCredit(teacher, { hours: 2.75 }));
    const { entry: reversal, created } = await reverseEntry({ entryId: entry.entryId, reason: '重复登记', actor: registrar });
    expect(created).toBe(true);
    expect(reversal).toMatchObject({
      sequence: 2,
      prevHash: entry.hash,
      hours: -2.75,
      category: 'school-based',
      trainingMode: 'thematic-lecture',
      trainingYear: 2026,
      occurredAt: entry.occurredAt,
      teacherSnapshot: entry.teacherSnapshot,
      source: { kind: 'reversal' },
      reversalOf: entry.entryId,
      reason: '重复登记',
      creditRule: 'reversal',
      recordedBy: registrar,
      idempotencyKey: `reversal:${entry.entryId}`,
    });
    expect(await teacherBalance(teacher)).toEqual([{ trainingYear: 2026, category: 'school-based', hours: 0, credits: 1, reversals: 1 }]);
    expect((await listTeacherEntries(teacher)).map((e) => e.runningHours)).toEqual([2.75, 0]);
    // The reversed entry itself is untouched.
    expect(await LedgerEntryModel.findOne({ entryId: entry.entryId }, { _id: 0 }).lean()).toEqual(entry);
    expect((await verifyLedger({ teacher })).breaks).toEqual([]);
  });

  it('reverses an entry once, however often and concurrently it is asked', async () => {
    const teacher = new Types.ObjectId();
    const { entry } = await appendEntry(offlineCredit(teacher));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => reverseEntry({ entryId: entry.entryId, reason: `attempt ${i}`, actor: registrar })),
    );
    expect(new Set(results.map((r) => r.entry.entryId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const later = await reverseEntry({ entryId: entry.entryId, reason: 'again', actor: registrar });
    expect(later).toEqual({ entry: results[0]!.entry, created: false });
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(2);
    expect((await teacherBalance(teacher))[0]?.hours).toBe(0);
  });

  it('refuses to reverse a reversal', async () => {
    const teacher = new Types.ObjectId();
    const { entry } = await appendEntry(offlineCredit(teacher));
    const { entry: reversal } = await reverseEntry({ entryId: entry.entryId, reason: 'wrong teacher', actor: registrar });
    await expect(reverseEntry({ entryId: reversal.entryId, reason: 'undo', actor: registrar })).rejects.toBeInstanceOf(LedgerRefusedError);
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(2);
  });

  it('requires a reason (non-empty, at most 500 characters) and an existing entry', async () => {
    const teacher = new Types.ObjectId();
    const { entry } = await appendEntry(offlineCredit(teacher));
    for (const reason of ['', '   ', 'x'.repeat(501), undefined]) {
      const error = await reverseEntry({ entryId: entry.entryId, reason: reason as string, actor: registrar }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LedgerInputError);
      expect((error as LedgerInputError).problems).toEqual([expect.stringMatching(/^reason: /)]);
    }
    const noActorId = await reverseEntry({ entryId: entry.entryId, reason: 'ok', actor: { kind: 'user', name: '李主任' } }).catch((e: unknown) => e);
    expect((noActorId as LedgerInputError).problems).toEqual(['actor.id: a reversal by a user names that user']);
    await expect(reverseEntry({ entryId: 'no-such-entry', reason: 'ok', actor: registrar })).rejects.toBeInstanceOf(LedgerEntryNotFoundError);
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(1);
    expect((await reverseEntry({ entryId: entry.entryId, reason: 'x'.repeat(500), actor: registrar })).created).toBe(true);
  });
});

describe('correctEntry', () => {
  it('is a reversal plus a new entry with the corrected values, once', async () => {
    const teacher = new Types.ObjectId();
    const { entry } = await appendEntry(offlineCredit(teacher, { hours: 3 }));
    const correction = { entryId: entry.entryId, reason: '实际为 2 学时的案例分析', actor: registrar, changes: { hours: 2, trainingMode: 'case-analysis' as const } };
    const first = await correctEntry(correction);
    expect(first.reversal.entry).toMatchObject({ hours: -3, reversalOf: entry.entryId, sequence: 2 });
    expect(first.replacement.entry).toMatchObject({
      hours: 2,
      trainingMode: 'case-analysis',
      category: 'school-based',
      source: entry.source,
      creditRule: 'correction',
      idempotencyKey: `correction:${entry.entryId}`,
      sequence: 3,
    });
    const again = await correctEntry(correction);
    expect(again.reversal).toEqual({ entry: first.reversal.entry, created: false });
    expect(again.replacement).toEqual({ entry: first.replacement.entry, created: false });
    await expect(correctEntry({ ...correction, changes: { hours: 1 } })).rejects.toThrow(
      new LedgerRefusedError(`entry ${entry.entryId} was already corrected by entry ${first.replacement.entry.entryId}; correct that entry instead`),
    );
    const twice = await correctEntry({ ...correction, entryId: first.replacement.entry.entryId, changes: { hours: 1 } });
    expect(twice.replacement.entry).toMatchObject({ hours: 1, sequence: 5 });
    expect(await LedgerEntryModel.countDocuments({ teacher })).toBe(5);
    expect((await teacherBalance(teacher))[0]?.hours).toBe(1);

    // A correction with bad values leaves the entry standing.
    const other = (await appendEntry(offlineCredit(teacher))).entry;
    await expect(correctEntry({ ...correction, entryId: other.entryId, changes: { category: 'safety' } })).rejects.toBeInstanceOf(LedgerInputError);
    expect(await LedgerEntryModel.countDocuments({ reversalOf: other.entryId })).toBe(0);
    expect((await verifyLedger({ teacher })).breaks).toEqual([]);
  });
});
