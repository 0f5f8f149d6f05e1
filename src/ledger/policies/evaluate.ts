import type { Category } from '../../courses';
import type { Audience, PolicyProfile, Requirement } from './schema';
import { trainingYearOf, trainingYearsRange } from './training-year';

/** What the policy engine needs to know about a teacher, besides their hours. */
export interface TeacherFacts {
  /** Besides `all-teachers`, which apply to everyone: the homeroom tiers the teacher is in. */
  audiences: readonly Audience[];
  /** When a new homeroom teacher takes up (or took up) the post: the due date of pre-service hours. */
  postStartDate?: Date;
}

/** Hours as the ledger holds them; reversals are negative. */
export interface CountedHours {
  category: Category;
  hours: number;
  occurredAt: Date;
}

export interface RequirementStatus {
  requirement: Requirement;
  /** The span whose hours count, when the requirement has one. */
  period?: { from: Date; to: Date; label: string };
  requiredHours: number;
  earnedHours: number;
  shortBy: number;
  met: boolean;
  dueDate?: Date;
  overdue: boolean;
  /** For cycles with category minimums: the categories still short. */
  categoryShortfalls: { category: Category; requiredHours: number; earnedHours: number; shortBy: number }[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;
/** Periods end exclusively; a due date is the last moment inside one (31 December, not 1 January). */
const lastMomentBefore = (end: Date) => new Date(end.getTime() - 1);

/**
 * Status of every requirement of a profile that applies to a teacher, as of a moment: met, or
 * short by how many hours, and by when. Pure: the ledger and the clock are inputs.
 */
export function evaluateTeacher(profile: PolicyProfile, teacher: TeacherFacts, entries: readonly CountedHours[], asOf: Date): RequirementStatus[] {
  return profile.requirements
    .filter((requirement) => requirement.appliesTo === 'all-teachers' || teacher.audiences.includes(requirement.appliesTo))
    .map((requirement) => evaluateRequirement(profile, requirement, teacher, entries, asOf));
}

function evaluateRequirement(profile: PolicyProfile, requirement: Requirement, teacher: TeacherFacts, entries: readonly CountedHours[], asOf: Date): RequirementStatus {
  const startMonth = profile.trainingYearStartMonth;
  let period: RequirementStatus['period'];
  let dueDate: Date | undefined;
  if (requirement.kind === 'annual') {
    const year = trainingYearOf(asOf, startMonth);
    const range = trainingYearsRange(year, 1, startMonth);
    period = { ...range, label: startMonth === 1 ? `${year}` : `${year}–${year + 1}` };
    dueDate = lastMomentBefore(range.to);
  } else if (requirement.kind === 'cycle') {
    const year = trainingYearOf(asOf, startMonth);
    const first = requirement.anchorYear + Math.floor((year - requirement.anchorYear) / requirement.cycleYears) * requirement.cycleYears;
    const range = trainingYearsRange(first, requirement.cycleYears, startMonth);
    period = { ...range, label: `${first}–${first + requirement.cycleYears - 1}` };
    dueDate = lastMomentBefore(range.to);
  } else {
    dueDate = teacher.postStartDate;
  }

  const inPeriod = entries.filter(
    (entry) => !period || (entry.occurredAt.getTime() >= period.from.getTime() && entry.occurredAt.getTime() < period.to.getTime()),
  );
  const sumOf = (categories: readonly Category[]) => round2(inPeriod.filter((e) => categories.includes(e.category)).reduce((sum, e) => sum + e.hours, 0));
  const earnedHours = sumOf(requirement.categories);
  const categoryShortfalls =
    requirement.kind === 'cycle'
      ? Object.entries(requirement.categoryMinimums).flatMap(([category, required]) => {
          const earned = sumOf([category as Category]);
          return earned >= (required ?? 0) ? [] : [{ category: category as Category, requiredHours: required ?? 0, earnedHours: earned, shortBy: round2((required ?? 0) - earned) }];
        })
      : [];
  const met = earnedHours >= requirement.minimumHours && categoryShortfalls.length === 0;
  return {
    requirement,
    period,
    requiredHours: requirement.minimumHours,
    earnedHours,
    shortBy: round2(Math.max(0, requirement.minimumHours - earnedHours)),
    met,
    dueDate,
    overdue: !met && dueDate !== undefined && asOf.getTime() >= dueDate.getTime(),
    categoryShortfalls,
  };
}
