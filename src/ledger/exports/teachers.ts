import type { Types } from 'mongoose';
import { UserModel, type User } from '../../users';
import { LedgerEntryModel } from '../store';

/**
 * The teachers in an export's scope, each with their ledger entries (every year and category:
 * requirements over a cycle or before a post look beyond the exported year), without ever
 * holding more than a bounded slice:
 *
 * - up to `SMALL_SCOPE` teachers (a school or a few): read them all, sorted by school and name,
 *   and their entries with one `$in` query;
 * - more: a merge join in one pass. Teachers stream from a cursor sorted by `_id`; entries from a
 *   cursor over the whole ledger sorted by (teacher, sequence), the ledger's unique index.
 *   Both advance together, so one teacher's entries are in memory at a time, and 100 000
 *   teachers are two queries, not 100 000 (nor 100 of `$in`: FerretDB v1 answers each of those
 *   with a full scan of the ledger). Rows then come in teacher-id order.
 */
export const SMALL_SCOPE = 1000;
const BATCH = 1000;

export type ScopeTeacher = Pick<User, '_id' | 'displayName' | 'schoolCode' | 'homeroomTier' | 'postStartDate'>;
const TEACHER_PROJECTION = { _id: 1, displayName: 1, schoolCode: 1, homeroomTier: 1, postStartDate: 1 } as const;

/** The same teachers as `listTeachers` (learners, of these schools when given). */
export function teacherQuery(schoolCodes: readonly string[] | undefined): Record<string, unknown> {
  const learners = { roles: { $in: ['learner'] } };
  return schoolCodes ? { ...learners, schoolCode: { $in: schoolCodes.map(String) } } : learners;
}

export async function countTeachers(schoolCodes: readonly string[] | undefined): Promise<number> {
  return UserModel.countDocuments(teacherQuery(schoolCodes));
}

export interface TeacherWithEntries<Entry> {
  teacher: ScopeTeacher;
  /** In chain (sequence) order. */
  entries: Entry[];
}

type WithTeacher = { teacher: Types.ObjectId; sequence: number };

/**
 * Sees every entry of the ledger when the merge join runs (more than SMALL_SCOPE teachers), so a
 * caller can count something on the way instead of running a query of its own: `complete` is
 * set once every entry has gone through `onEntry`.
 */
export interface LedgerScan<Entry> {
  onEntry(entry: Entry): void;
  complete: boolean;
}

/** `projection` must keep `teacher` and `sequence` (an exclusion such as `{ _id: 0 }` does). */
export async function* teachersWithEntries<Entry extends WithTeacher>(
  schoolCodes: readonly string[] | undefined,
  projection: Record<string, 0 | 1>,
  teacherCount: number,
  scan?: LedgerScan<Entry>,
): AsyncGenerator<TeacherWithEntries<Entry>> {
  if (teacherCount <= SMALL_SCOPE) yield* smallScope<Entry>(schoolCodes, projection, scan);
  else yield* mergeJoin<Entry>(schoolCodes, projection, scan);
}

async function* smallScope<Entry extends WithTeacher>(
  schoolCodes: readonly string[] | undefined,
  projection: Record<string, 0 | 1>,
  scan: LedgerScan<Entry> | undefined,
): AsyncGenerator<TeacherWithEntries<Entry>> {
  const teachers = await UserModel.find(teacherQuery(schoolCodes), TEACHER_PROJECTION)
    .sort({ schoolCode: 1, displayName: 1, _id: 1 })
    .limit(SMALL_SCOPE + 1)
    .lean<ScopeTeacher[]>();
  if (teachers.length > SMALL_SCOPE) {
    // More teachers arrived since they were counted: take the path that scales.
    yield* mergeJoin<Entry>(schoolCodes, projection, scan);
    return;
  }
  if (teachers.length === 0) return;
  const byTeacher = new Map<string, Entry[]>(teachers.map((teacher) => [teacher._id.toHexString(), []]));
  const cursor = LedgerEntryModel.find({ teacher: { $in: teachers.map((teacher) => teacher._id) } }, projection)
    .lean<Entry[]>()
    .cursor({ batchSize: BATCH });
  for await (const entry of cursor as AsyncIterable<Entry>) byTeacher.get(entry.teacher.toHexString())?.push(entry);
  for (const teacher of teachers) {
    const entries = byTeacher.get(teacher._id.toHexString()) ?? [];
    byTeacher.delete(teacher._id.toHexString());
    yield { teacher, entries: entries.sort((a, b) => a.sequence - b.sequence) };
  }
}

async function* mergeJoin<Entry extends WithTeacher>(
  schoolCodes: readonly string[] | undefined,
  projection: Record<string, 0 | 1>,
  scan: LedgerScan<Entry> | undefined,
): AsyncGenerator<TeacherWithEntries<Entry>> {
  const teachers = UserModel.find(teacherQuery(schoolCodes), TEACHER_PROJECTION).sort({ _id: 1 }).lean<ScopeTeacher[]>().cursor({ batchSize: BATCH });
  const entries = LedgerEntryModel.find({}, projection)
    .sort({ teacher: 1, sequence: 1 })
    .allowDiskUse(true)
    .lean<Entry[]>()
    .cursor({ batchSize: BATCH });
  const entryIterator = (entries as AsyncIterable<Entry>)[Symbol.asyncIterator]();
  let pending: Entry | undefined;
  let pendingId = '';
  let lastId = '';
  const advance = async () => {
    const next = await entryIterator.next();
    pending = next.done ? undefined : next.value;
    pendingId = pending ? pending.teacher.toHexString() : '';
    // ObjectIds sort by their bytes, as their hex does; anything else would silently drop entries.
    if (pending && pendingId < lastId) throw new Error('ledger entries did not arrive in teacher order; the export stopped rather than miss any');
    lastId = pendingId || lastId;
    if (pending) scan?.onEntry(pending);
  };
  try {
    await advance();
    for await (const teacher of teachers as AsyncIterable<ScopeTeacher>) {
      const id = teacher._id.toHexString();
      while (pending && pendingId < id) await advance();
      const mine: Entry[] = [];
      while (pending && pendingId === id) {
        mine.push(pending);
        await advance();
      }
      yield { teacher, entries: mine };
    }
    if (scan) {
      // Entries of teachers after the last one in scope: read only to be seen.
      while (pending) await advance();
      scan.complete = true;
    }
  } finally {
    await entryIterator.return?.();
    await teachers.close();
  }
}
