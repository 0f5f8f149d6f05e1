import { Types } from 'mongoose';
import { appendEntry, reverseEntry, streamEntries, teacherBalance, type LedgerEntry } from '../../src/ledger';
import { useTestDatabase } from '../support/database';
import { offlineCredit, registrar } from './fixtures';

useTestDatabase();

async function collect(iterable: AsyncIterable<LedgerEntry>): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for await (const entry of iterable) entries.push(entry);
  return entries;
}

describe('ledger queries', () => {
  const wang = new Types.ObjectId();
  const li = new Types.ObjectId();
  beforeAll(async () => {
    await appendEntry(offlineCredit(wang, { hours: 0.1, trainingYear: 2025 }));
    await appendEntry(offlineCredit(wang, { hours: 0.2, trainingYear: 2025 }));
    const safety = (await appendEntry(offlineCredit(wang, { hours: 2, category: 'safety', trainingMode: undefined }))).entry;
    await reverseEntry({ entryId: safety.entryId, reason: 'wrong module', actor: registrar });
    await appendEntry(offlineCredit(li, { teacher: { id: li.toHexString(), displayName: '李老师', schoolCode: 'S002' }, hours: 5 }));
  });

  it('sums a teacher’s hours by training year and category, to the hundredth', async () => {
    expect(await teacherBalance(wang)).toEqual([
      { trainingYear: 2025, category: 'school-based', hours: 0.3, credits: 2, reversals: 0 },
      { trainingYear: 2026, category: 'safety', hours: 0, credits: 1, reversals: 1 },
    ]);
    expect(await teacherBalance(wang.toHexString(), { trainingYear: 2025 })).toHaveLength(1);
  });

  it('streams entries by year, school and category, in chain order', async () => {
    expect((await collect(streamEntries())).length).toBe(5);
    const year2026 = (await collect(streamEntries({ trainingYear: 2026 }))).map((e) => `${e.teacher.toHexString()} #${e.sequence} ${e.hours}`);
    expect([...year2026].sort()).toEqual(year2026);
    expect(year2026).toEqual(expect.arrayContaining([`${wang.toHexString()} #3 2`, `${wang.toHexString()} #4 -2`, `${li.toHexString()} #1 5`]));
    expect(year2026).toHaveLength(3);
    const s002 = await collect(streamEntries({ schoolCode: 'S002' }));
    expect(s002.map((e) => e.teacherSnapshot.displayName)).toEqual(['李老师']);
    expect((await collect(streamEntries({ category: 'safety', teacher: wang }))).map((e) => e.sequence)).toEqual([3, 4]);
    expect(await collect(streamEntries({ trainingYear: 2026, schoolCode: 'S001', category: 'school-based' }))).toEqual([]);
  });
});
