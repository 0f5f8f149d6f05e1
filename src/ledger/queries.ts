import { Types } from 'mongoose';
import { CATEGORIES, type Category } from '../courses';
import { ENTRY_PROJECTION } from './append';
import type { LedgerEntry } from './schema';
import { LedgerEntryModel } from './store';

/** Sums in hundredths of an hour, so 0.1 + 0.2 is 0.3 and a reversal brings a total back to 0. */
const toHundredths = (hours: number) => Math.round(hours * 100);
const fromHundredths = (hundredths: number) => hundredths / 100;

function teacherId(teacher: Types.ObjectId | string): Types.ObjectId {
  return typeof teacher === 'string' ? new Types.ObjectId(teacher) : teacher;
}

export interface EntryWithTotal extends LedgerEntry {
  /** The teacher's total hours (all categories and years) after this entry. */
  runningHours: number;
}

/** A teacher's entries in chain order, each with the running total. */
export async function listTeacherEntries(teacher: Types.ObjectId | string): Promise<EntryWithTotal[]> {
  const entries: EntryWithTotal[] = [];
  let total = 0;
  const cursor = LedgerEntryModel.find({ teacher: teacherId(teacher) }, ENTRY_PROJECTION).sort({ sequence: 1 }).lean<LedgerEntry>().cursor();
  for await (const entry of cursor as AsyncIterable<LedgerEntry>) {
    total += toHundredths(entry.hours);
    entries.push({ ...entry, runningHours: fromHundredths(total) });
  }
  return entries;
}

export interface BalanceRow {
  trainingYear: number;
  category: Category;
  /** Credits minus reversals. */
  hours: number;
  credits: number;
  reversals: number;
}

/**
 * A teacher's hours per training year and category (a row for each pair with any entry), ordered
 * by year, then category in CATEGORIES order. Whether they meet a requirement is `policies/`'s call.
 */
export async function teacherBalance(teacher: Types.ObjectId | string, options: { trainingYear?: number } = {}): Promise<BalanceRow[]> {
  const filter = { teacher: teacherId(teacher), ...(options.trainingYear === undefined ? {} : { trainingYear: options.trainingYear }) };
  const rows = new Map<string, { trainingYear: number; category: Category; hundredths: number; credits: number; reversals: number }>();
  const cursor = LedgerEntryModel.find(filter, { _id: 0, trainingYear: 1, category: 1, hours: 1, source: 1 })
    .lean<Pick<LedgerEntry, 'trainingYear' | 'category' | 'hours' | 'source'>>()
    .cursor();
  for await (const entry of cursor as AsyncIterable<Pick<LedgerEntry, 'trainingYear' | 'category' | 'hours' | 'source'>>) {
    const key = `${entry.trainingYear}/${entry.category}`;
    const row = rows.get(key) ?? { trainingYear: entry.trainingYear, category: entry.category, hundredths: 0, credits: 0, reversals: 0 };
    row.hundredths += toHundredths(entry.hours);
    if (entry.source.kind === 'reversal') row.reversals += 1;
    else row.credits += 1;
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => a.trainingYear - b.trainingYear || CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category))
    .map(({ hundredths, ...row }) => ({ ...row, hours: fromHundredths(hundredths) }));
}

export interface EntryFilter {
  trainingYear?: number;
  /** The school on the entry (the teacher's school when it was recorded). */
  schoolCode?: string;
  category?: Category;
  teacher?: Types.ObjectId | string;
}

/**
 * Every entry matching the filter, in chain order (teacher, then sequence), as a stream for
 * exports: `for await (const entry of streamEntries({ trainingYear: 2026 })) …`. Close it with
 * `return()` (a `break` out of `for await` does) when stopping early.
 */
export function streamEntries(filter: EntryFilter = {}): AsyncIterable<LedgerEntry> & { close(): Promise<void> } {
  // Coerced to plain values, so a filter can never carry a query operator (docs/data-layer.md rule 6).
  const query: Record<string, unknown> = {};
  if (filter.trainingYear !== undefined) query.trainingYear = Number(filter.trainingYear);
  if (filter.schoolCode !== undefined) query['teacherSnapshot.schoolCode'] = String(filter.schoolCode);
  if (filter.category !== undefined) query.category = String(filter.category);
  if (filter.teacher !== undefined) query.teacher = teacherId(filter.teacher);
  const cursor = LedgerEntryModel.find(query, ENTRY_PROJECTION).sort({ teacher: 1, sequence: 1 }).lean<LedgerEntry>().cursor({ batchSize: 500 });
  return cursor as unknown as AsyncIterable<LedgerEntry> & { close(): Promise<void> };
}
