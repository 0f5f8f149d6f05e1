import type { Column } from '../../exports';
import type { PolicyProfile } from '../policies';
import type { LedgerEntry } from '../schema';
import { LedgerEntryModel } from '../store';
import type { ExportFilters } from './filters';
import { categoryText, chinaDate, chinaDateTime, modeText, sourceText } from './format';
import { matchesStatus, summarise } from './summary';
import { teachersWithEntries } from './teachers';

/**
 * The detail table: one row per ledger entry of the year, in the schools of the scope (the
 * school on the entry, as recorded), of the category when given.
 */
export function detailQuery(filters: ExportFilters): Record<string, unknown> {
  // Plain values only, so a filter can never carry a query operator (docs/data-layer.md rule 6).
  const query: Record<string, unknown> = { trainingYear: Number(filters.trainingYear) };
  if (filters.category) query.category = String(filters.category);
  if (filters.schoolCodes) query['teacherSnapshot.schoolCode'] = { $in: filters.schoolCodes.map(String) };
  return query;
}

export async function countDetail(filters: ExportFilters): Promise<number> {
  return LedgerEntryModel.countDocuments(detailQuery(filters));
}

/** Whether an entry belongs to the detail: `detailQuery`, in code. */
export function inDetail(entry: Pick<LedgerEntry, 'trainingYear' | 'category'> & { teacherSnapshot: { schoolCode?: string } }, filters: ExportFilters): boolean {
  return (
    entry.trainingYear === filters.trainingYear &&
    (!filters.category || entry.category === filters.category) &&
    (!filters.schoolCodes || (entry.teacherSnapshot.schoolCode !== undefined && filters.schoolCodes.includes(entry.teacherSnapshot.schoolCode)))
  );
}

/**
 * Streams the entries from one cursor sorted by school, teacher and sequence. With a
 * requirement-status filter, whether a teacher's entries belong depends on all their entries,
 * so the rows come instead teacher by teacher (see teachers.ts), each teacher's in sequence order.
 */
export async function* detailRows(filters: ExportFilters, profile: PolicyProfile, asOf: Date, teacherCount: number): AsyncGenerator<LedgerEntry> {
  if (filters.requirementStatus === undefined) {
    const cursor = LedgerEntryModel.find(detailQuery(filters), { _id: 0 })
      .sort({ 'teacherSnapshot.schoolCode': 1, teacher: 1, sequence: 1 })
      // MongoDB sorts in memory without an index for this order: let it spill to disk.
      .allowDiskUse(true)
      .lean<LedgerEntry[]>()
      .cursor({ batchSize: 1000 });
    yield* cursor as AsyncIterable<LedgerEntry>;
    return;
  }
  for await (const { teacher, entries } of teachersWithEntries<LedgerEntry>(filters.schoolCodes, { _id: 0 }, teacherCount)) {
    const { compliance } = summarise(teacher, entries, filters, profile, asOf);
    if (!matchesStatus(compliance, filters.requirementStatus)) continue;
    for (const entry of entries) if (inDetail(entry, filters)) yield entry;
  }
}

export function detailColumns(): Column<LedgerEntry>[] {
  return [
    { header: '教师 (Teacher)', value: (entry) => entry.teacherSnapshot.displayName },
    { header: '教师 ID (Teacher ID)', value: (entry) => entry.teacher.toHexString(), width: 26 },
    { header: '学校 (School)', value: (entry) => entry.teacherSnapshot.schoolCode },
    { header: '记录编号 (Entry ID)', value: (entry) => entry.entryId, width: 38 },
    { header: '序号 (Sequence)', value: (entry) => entry.sequence },
    { header: '类别 (Category)', value: (entry) => categoryText(entry.category) },
    { header: '培训形式 (Training mode)', value: (entry) => modeText(entry.trainingMode) },
    { header: '学时 (Hours)', value: (entry) => entry.hours },
    { header: '培训年度 (Training year)', value: (entry) => entry.trainingYear },
    { header: '发生日期 (Occurred on, Beijing)', value: (entry) => chinaDate(entry.occurredAt) },
    { header: '来源 (Source)', value: (entry) => sourceText(entry.source) },
    { header: '考核成绩 % (Assessment score %)', value: (entry) => entry.assessment?.scorePercent },
    { header: '计入规则 (Credit rule)', value: (entry) => entry.creditRule },
    { header: '记录人 (Recorded by)', value: (entry) => entry.recordedBy.name },
    { header: '记录时间 (Recorded at, Beijing)', value: (entry) => chinaDateTime(entry.recordedAt) },
    { header: '冲销对象 (Reversal of)', value: (entry) => entry.reversalOf, width: 38 },
    { header: '原因 (Reason)', value: (entry) => entry.reason },
  ];
}
