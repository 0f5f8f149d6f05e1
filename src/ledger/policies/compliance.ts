import type { Types } from 'mongoose';
import type { Category } from '../../courses';
import { listTeachers, type HomeroomTier, type User } from '../../users';
import { LedgerEntryModel } from '../store';
import { evaluateTeacher, type CountedHours, type RequirementStatus } from './evaluate';
import type { Audience, PolicyProfile } from './schema';

/** Backbone homeroom teachers are in-service homeroom teachers too: the yearly hours apply to them. */
const AUDIENCES_OF_TIER: Record<HomeroomTier, Audience[]> = {
  new: ['homeroom-new'],
  inservice: ['homeroom-inservice'],
  backbone: ['homeroom-backbone', 'homeroom-inservice'],
};

export interface TeacherCompliance {
  teacher: Pick<User, '_id' | 'displayName' | 'schoolCode' | 'homeroomTier' | 'postStartDate'>;
  statuses: RequirementStatus[];
  met: boolean;
  /** Hours still missing over all unmet requirements: the sort key for "who is short". */
  shortBy: number;
}

export type ComplianceFilter = 'all' | 'short' | 'met' | 'overdue';

/** The hours the policy engine counts for a set of teachers, reversals included (negative). */
export async function countedHoursByTeacher(teacherIds: readonly Types.ObjectId[]): Promise<Map<string, CountedHours[]>> {
  const byTeacher = new Map<string, CountedHours[]>();
  const cursor = LedgerEntryModel.find({ teacher: { $in: [...teacherIds] } }, { teacher: 1, category: 1, hours: 1, occurredAt: 1 })
    .lean<{ teacher: Types.ObjectId; category: Category; hours: number; occurredAt: Date }[]>()
    .cursor();
  for await (const entry of cursor as AsyncIterable<{ teacher: Types.ObjectId; category: Category; hours: number; occurredAt: Date }>) {
    const key = entry.teacher.toString();
    const list = byTeacher.get(key) ?? [];
    list.push({ category: entry.category, hours: entry.hours, occurredAt: entry.occurredAt });
    byTeacher.set(key, list);
  }
  return byTeacher;
}

export function evaluateOne(profile: PolicyProfile, teacher: TeacherCompliance['teacher'], hours: readonly CountedHours[], asOf: Date): TeacherCompliance {
  const statuses = evaluateTeacher(
    profile,
    { audiences: teacher.homeroomTier ? AUDIENCES_OF_TIER[teacher.homeroomTier] : [], postStartDate: teacher.postStartDate },
    hours,
    asOf,
  );
  const unmet = statuses.filter((status) => !status.met);
  const missing = unmet.reduce((sum, s) => sum + s.shortBy + s.categoryShortfalls.reduce((inner, c) => inner + c.shortBy, 0), 0);
  return { teacher, statuses, met: unmet.length === 0, shortBy: Math.round(missing * 100) / 100 };
}

/**
 * Every teacher of the given schools (all schools when undefined) with the status of each
 * requirement, most hours short first.
 */
export async function complianceReport(
  profile: PolicyProfile,
  options: { schoolCodes?: readonly string[]; asOf: Date; filter?: ComplianceFilter; requirementId?: string },
): Promise<TeacherCompliance[]> {
  const teachers = await listTeachers({ schoolCodes: options.schoolCodes });
  const hours = await countedHoursByTeacher(teachers.map((teacher) => teacher._id));
  const rows = teachers.map((teacher) => {
    const row = evaluateOne(profile, teacher, hours.get(teacher._id.toString()) ?? [], options.asOf);
    if (!options.requirementId) return row;
    const statuses = row.statuses.filter((status) => status.requirement.id === options.requirementId);
    return { ...row, statuses, met: statuses.every((s) => s.met), shortBy: statuses.reduce((sum, s) => sum + s.shortBy, 0) };
  });
  const kept = rows.filter((row) => {
    if (options.requirementId && row.statuses.length === 0) return false;
    switch (options.filter ?? 'all') {
      case 'short':
        return !row.met;
      case 'met':
        return row.met;
      case 'overdue':
        return row.statuses.some((status) => status.overdue);
      default:
        return true;
    }
  });
  return kept.sort((a, b) => b.shortBy - a.shortBy || (a.teacher.schoolCode ?? '').localeCompare(b.teacher.schoolCode ?? '') || a.teacher.displayName.localeCompare(b.teacher.displayName, 'zh-CN'));
}
