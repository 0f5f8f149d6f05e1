import { Types } from 'mongoose';
import { computeEntryHash, GENESIS_HASH, unexpectedFields } from './hash';
import { LedgerEntryModel } from './store';

export interface ChainBreak {
  teacherId: string;
  sequence: number;
  entryId: string;
  problem: string;
}

export interface VerifyReport {
  teachers: number;
  entries: number;
  breaks: ChainBreak[];
}

function describe(value: unknown): string {
  if (value instanceof Types.ObjectId) return value.toHexString();
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/**
 * Walks every teacher's chain in sequence order, streaming (a cursor, never the whole ledger in
 * memory), and reports each entry whose stored hash differs from the hash of its content, whose
 * `prevHash` is not the stored hash of the entry before it, or whose sequence skips or repeats
 * a number. An edited entry shows as a hash mismatch on that entry alone; a deleted one as a gap
 * and a broken link on the entry after it. Removing a teacher's latest entries leaves a shorter
 * chain that is still intact: the chain alone cannot show that (see CONTEXT.md).
 */
export async function verifyLedger(options: { teacher?: Types.ObjectId | string } = {}): Promise<VerifyReport> {
  const filter = options.teacher === undefined ? {} : { teacher: new Types.ObjectId(options.teacher) };
  const cursor = LedgerEntryModel.find(filter).sort({ teacher: 1, sequence: 1 }).lean<Record<string, unknown>>().cursor({ batchSize: 500 });

  const report: VerifyReport = { teachers: 0, entries: 0, breaks: [] };
  let teacherId: string | undefined;
  let expected = 1;
  let previous = { hash: GENESIS_HASH, sequence: 0 };
  for await (const doc of cursor as AsyncIterable<Record<string, unknown>>) {
    const owner = describe(doc.teacher);
    if (owner !== teacherId) {
      teacherId = owner;
      report.teachers += 1;
      expected = 1;
      previous = { hash: GENESIS_HASH, sequence: 0 };
    }
    report.entries += 1;
    const sequence = typeof doc.sequence === 'number' ? doc.sequence : Number.NaN;
    const at = { teacherId: owner, sequence, entryId: describe(doc.entryId) };
    const problem = (text: string) => report.breaks.push({ ...at, problem: text });

    if (sequence > expected) {
      problem(`sequence gap: ${sequence - expected === 1 ? `entry #${expected} is` : `entries #${expected}–#${sequence - 1} are`} missing`);
    } else if (sequence !== expected) {
      problem(`sequence out of order: expected #${expected}, found ${describe(doc.sequence)}`);
    }
    if (doc.prevHash !== previous.hash) {
      problem(
        previous.sequence === 0
          ? 'prevHash is not the genesis hash, but no earlier entry exists'
          : `prevHash does not match the hash of entry #${previous.sequence}`,
      );
    }
    const prevHash = typeof doc.prevHash === 'string' ? doc.prevHash : '';
    if (computeEntryHash(doc, prevHash) !== doc.hash) {
      const extra = unexpectedFields(doc);
      problem(`hash mismatch: the entry's content was changed after it was recorded${extra.length ? ` (unexpected fields: ${extra.join(', ')})` : ''}`);
    }
    previous = { hash: typeof doc.hash === 'string' ? doc.hash : '', sequence };
    expected = Number.isFinite(sequence) ? sequence + 1 : expected + 1;
  }
  return report;
}
