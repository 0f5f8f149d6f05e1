import mongoose, { Types } from 'mongoose';
import { appendEntry, reverseEntry, verifyLedger, type LedgerEntry } from '../../src/ledger';
import { shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';
import { offlineCredit, registrar } from './fixtures';

const database = useTestDatabase();

const shixun = shixunOn(database);

/** A hand edit: straight through the driver, around the model's append-only guard. */
const raw = () => mongoose.connection.collection('ledger_entries');

async function chainOf(teacher: Types.ObjectId, hours: number[]): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (const h of hours) entries.push((await appendEntry(offlineCredit(teacher, { hours: h }))).entry);
  return entries;
}

describe('verifyLedger and `shixun ledger verify`', () => {
  const edited = new Types.ObjectId();
  const shortened = new Types.ObjectId();
  let editedChain: LedgerEntry[];
  let shortenedChain: LedgerEntry[];

  beforeAll(async () => {
    editedChain = await chainOf(edited, [1, 2, 3]);
    shortenedChain = await chainOf(shortened, [4, 5, 6, 7]);
    await reverseEntry({ entryId: shortenedChain[3]!.entryId, reason: 'duplicate', actor: registrar });
  });

  it('finds no break in an intact ledger, and the command exits 0', async () => {
    expect(await verifyLedger()).toEqual({ teachers: 2, entries: 8, breaks: [] });
    const cli = shixun(['ledger', 'verify']);
    expect(cli.stdout).toContain('ledger intact: 8 entries, 2 teachers');
    expect(cli.code).toBe(0);
  });

  it('reports an entry whose hours were changed by hand, and only that entry', async () => {
    const target = editedChain[1]!;
    await raw().updateOne({ entryId: target.entryId }, { $set: { hours: 20 } });
    expect(await verifyLedger({ teacher: edited })).toEqual({
      teachers: 1,
      entries: 3,
      breaks: [
        {
          teacherId: edited.toHexString(),
          sequence: 2,
          entryId: target.entryId,
          problem: "hash mismatch: the entry's content was changed after it was recorded",
        },
      ],
    });
  });

  it('reports a field added by hand', async () => {
    const target = editedChain[2]!;
    await raw().updateOne({ entryId: target.entryId }, { $set: { note: 'approved by phone' } });
    const { breaks } = await verifyLedger({ teacher: edited });
    expect(breaks.at(-1)).toEqual({
      teacherId: edited.toHexString(),
      sequence: 3,
      entryId: target.entryId,
      problem: "hash mismatch: the entry's content was changed after it was recorded (unexpected fields: note)",
    });
  });

  it('reports a deleted entry as a gap and a broken link on the entry after it', async () => {
    await raw().deleteOne({ entryId: shortenedChain[1]!.entryId });
    const next = shortenedChain[2]!;
    expect((await verifyLedger({ teacher: shortened })).breaks).toEqual([
      { teacherId: shortened.toHexString(), sequence: 3, entryId: next.entryId, problem: 'sequence gap: entry #2 is missing' },
      { teacherId: shortened.toHexString(), sequence: 3, entryId: next.entryId, problem: 'prevHash does not match the hash of entry #1' },
    ]);
  });

  it('makes `shixun ledger verify` exit 1 with a line per break', async () => {
    const cli = shixun(['ledger', 'verify']);
    expect(cli.code).toBe(1);
    const lines = cli.stdout.trim().split('\n');
    const byTeacher = {
      [edited.toHexString()]: [
        `teacher ${edited.toHexString()} entry #2 ${editedChain[1]!.entryId}: hash mismatch: the entry's content was changed after it was recorded`,
        `teacher ${edited.toHexString()} entry #3 ${editedChain[2]!.entryId}: hash mismatch: the entry's content was changed after it was recorded (unexpected fields: note)`,
      ],
      [shortened.toHexString()]: [
        `teacher ${shortened.toHexString()} entry #3 ${shortenedChain[2]!.entryId}: sequence gap: entry #2 is missing`,
        `teacher ${shortened.toHexString()} entry #3 ${shortenedChain[2]!.entryId}: prevHash does not match the hash of entry #1`,
      ],
    };
    // Chains are walked in teacher id order.
    const teacherOrder = [edited.toHexString(), shortened.toHexString()].sort();
    expect(lines).toEqual([
      ...teacherOrder.flatMap((id) => byTeacher[id]!),
      'ledger NOT intact: 4 break(s) in 7 entries, 2 teachers',
    ]);

    const json = shixun(['ledger', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ intact: false, teachers: 2, entries: 7, breaks: expect.arrayContaining([expect.objectContaining({ sequence: 2, entryId: editedChain[1]!.entryId })]) });
  });
});
