import type { Types } from 'mongoose';
import { CATEGORIES, type Category } from '../../courses';
import type { Column } from '../../exports';
import { evaluateOne, trainingYearsRange, type PolicyProfile, type RequirementStatus, type TeacherCompliance } from '../policies';
import type { ExportFilters } from './filters';
import { CATEGORY_LABELS, fromHundredths, tierText, toHundredths } from './format';
import { teachersWithEntries, type LedgerScan, type ScopeTeacher } from './teachers';

/** What the summary reads of each entry. */
export interface SummaryEntry {
  teacher: Types.ObjectId;
  /** Read so that the detail can be counted on the way (see exportLedgerXlsx). */
  teacherSnapshot: { schoolCode?: string };
  sequence: number;
  category: Category;
  hours: number;
  occurredAt: Date;
  trainingYear: number;
}
export const SUMMARY_PROJECTION = { _id: 0, teacher: 1, sequence: 1, category: 1, hours: 1, occurredAt: 1, trainingYear: 1, 'teacherSnapshot.schoolCode': 1 } as const;

export interface SummaryRow {
  teacher: ScopeTeacher;
  /** Hours in the exported training year (and category, when filtered), reversals subtracted. */
  totalHours: number;
  hoursByCategory: Record<Category, number>;
  compliance: TeacherCompliance;
}

/**
 * When requirements are judged for a training year: now, while the year runs; its last moment
 * once it is over (as the registrar pages do); its first moment for a year still to come.
 */
export function judgementMoment(trainingYear: number, profile: PolicyProfile, now = new Date()): Date {
  const { from, to } = trainingYearsRange(trainingYear, 1, profile.trainingYearStartMonth);
  if (now.getTime() < from.getTime()) return from;
  if (now.getTime() >= to.getTime()) return new Date(to.getTime() - 1);
  return now;
}

export function summarise(teacher: ScopeTeacher, entries: readonly SummaryEntry[], filters: ExportFilters, profile: PolicyProfile, asOf: Date): SummaryRow {
  const hundredths = Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
  let total = 0;
  for (const entry of entries) {
    if (entry.trainingYear !== filters.trainingYear) continue;
    if (filters.category && entry.category !== filters.category) continue;
    hundredths[entry.category] += toHundredths(entry.hours);
    total += toHundredths(entry.hours);
  }
  // The policy engine's own evaluation, on every entry of the teacher (cycles span years).
  const compliance = evaluateOne(profile, teacher, entries.map(({ category, hours, occurredAt }) => ({ category, hours, occurredAt })), asOf);
  return {
    teacher,
    totalHours: fromHundredths(total),
    hoursByCategory: Object.fromEntries(CATEGORIES.map((category) => [category, fromHundredths(hundredths[category])])) as Record<Category, number>,
    compliance,
  };
}

export function matchesStatus(compliance: TeacherCompliance, status: ExportFilters['requirementStatus']): boolean {
  return status === undefined || (status === 'met') === compliance.met;
}

/** Summary rows of every teacher in scope (and of the requirement status asked for). */
export async function* summaryRows(filters: ExportFilters, profile: PolicyProfile, asOf: Date, teacherCount: number, scan?: LedgerScan<SummaryEntry>): AsyncGenerator<SummaryRow> {
  for await (const { teacher, entries } of teachersWithEntries<SummaryEntry>(filters.schoolCodes, SUMMARY_PROJECTION, teacherCount, scan)) {
    const row = summarise(teacher, entries, filters, profile, asOf);
    if (matchesStatus(row.compliance, filters.requirementStatus)) yield row;
  }
}

const MET = '达标 (met)';
const SHORT = '未达标 (short)';

/** Hours a requirement still misses, its category minimums included (as `evaluateOne` counts). */
export const hoursShort = (status: RequirementStatus) => Math.round((status.shortBy + status.categoryShortfalls.reduce((sum, c) => sum + c.shortBy, 0)) * 100) / 100;

export function summaryColumns(filters: ExportFilters, profile: PolicyProfile): Column<SummaryRow>[] {
  const year = filters.trainingYear;
  const categories = filters.category ? [filters.category] : CATEGORIES;
  const statusOf = (row: SummaryRow, id: string) => row.compliance.statuses.find((status) => status.requirement.id === id);
  return [
    { header: '教师 (Teacher)', value: (row) => row.teacher.displayName },
    { header: '教师 ID (Teacher ID)', value: (row) => row.teacher._id.toHexString(), width: 26 },
    { header: '学校 (School)', value: (row) => row.teacher.schoolCode },
    { header: '班主任层级 (Homeroom tier)', value: (row) => tierText(row.teacher.homeroomTier) },
    { header: `${year} 年度学时合计 (Total hours, ${year})`, value: (row) => row.totalHours },
    ...categories.map(
      (category): Column<SummaryRow> => ({
        header: `${CATEGORY_LABELS[category].zh}学时 (${CATEGORY_LABELS[category].en} hours)`,
        value: (row) => row.hoursByCategory[category],
      }),
    ),
    { header: `全部要求 (All requirements, profile ${profile.id})`, value: (row) => (row.compliance.met ? MET : SHORT) },
    { header: '合计差额学时 (Total hours short)', value: (row) => row.compliance.shortBy },
    ...profile.requirements.flatMap((requirement): Column<SummaryRow>[] => [
      {
        header: `${requirement.title['zh-CN']} (${requirement.id})`,
        // Blank: the requirement does not apply to this teacher.
        value: (row) => {
          const status = statusOf(row, requirement.id);
          return status === undefined ? undefined : status.met ? MET : `差 ${hoursShort(status)} 学时 (short by ${hoursShort(status)})`;
        },
        width: 28,
      },
      {
        header: `差额学时 (Hours short, ${requirement.id})`,
        value: (row) => {
          const status = statusOf(row, requirement.id);
          return status === undefined ? undefined : hoursShort(status);
        },
        width: 16,
      },
    ]),
  ];
}
