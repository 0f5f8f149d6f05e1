import type { AssessmentPolicy } from '../courses';

/**
 * Pure decisions about attempts. Every function takes `now` (or the times it compares) as an
 * argument, so pages, jobs and tests all agree on what time it is.
 */

/** What the decisions need to know about one attempt of one learner. */
export interface AttemptFacts {
  startedAt: Date;
  /** Absent while the attempt is in progress. */
  result?: { submittedAt: Date; percent: number; passed: boolean };
}

/**
 * When a pass stops counting, or undefined if it never does. Months are calendar months in UTC,
 * clamped to the end of a shorter month (31 January + 1 month = 28/29 February).
 */
export function passExpiresAt(policy: Pick<AssessmentPolicy, 'recertifyMonths'>, passedAt: Date): Date | undefined {
  if (policy.recertifyMonths === undefined) return undefined;
  return addUtcMonths(passedAt, policy.recertifyMonths);
}

export function hasPassExpired(policy: Pick<AssessmentPolicy, 'recertifyMonths'>, passedAt: Date, now: Date): boolean {
  const expiresAt = passExpiresAt(policy, passedAt);
  return expiresAt !== undefined && now.getTime() >= expiresAt.getTime();
}

/**
 * The attempts that count now: all of them, or, once the latest pass has expired, only those
 * started after it. Attempt limits, the counted attempt and review rights all apply per cycle, so
 * recertifying starts with a full set of attempts.
 */
export function currentCycle<T extends AttemptFacts>(
  policy: Pick<AssessmentPolicy, 'recertifyMonths'>,
  attempts: readonly T[],
  now: Date,
): T[] {
  const sorted = [...attempts].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const lastPassAt = latestPassAt(sorted);
  if (!lastPassAt || !hasPassExpired(policy, lastPassAt, now)) return sorted;
  return sorted.filter((attempt) => attempt.startedAt.getTime() > lastPassAt.getTime());
}

export type StartDecision =
  | { allowed: true; /** 1-based, within the current cycle */ attemptNumber: number }
  | { allowed: false; reason: 'in-progress' }
  | { allowed: false; reason: 'passed'; expiresAt?: Date }
  | { allowed: false; reason: 'no-attempts-left' }
  | { allowed: false; reason: 'cooling-down'; opensAt: Date };

export function canStartAttempt(
  policy: Pick<AssessmentPolicy, 'maxAttempts' | 'cooldownMinutes' | 'recertifyMonths'>,
  attempts: readonly AttemptFacts[],
  now: Date,
): StartDecision {
  const cycle = currentCycle(policy, attempts, now);
  // Resuming comes first: a second open attempt would let a learner shop for easier items.
  if (cycle.some((attempt) => !attempt.result)) return { allowed: false, reason: 'in-progress' };
  const passedAt = latestPassAt(cycle);
  if (passedAt) {
    const expiresAt = passExpiresAt(policy, passedAt);
    return expiresAt ? { allowed: false, reason: 'passed', expiresAt } : { allowed: false, reason: 'passed' };
  }
  if (policy.maxAttempts !== undefined && cycle.length >= policy.maxAttempts) return { allowed: false, reason: 'no-attempts-left' };
  const last = cycle.at(-1)?.result;
  if (last && policy.cooldownMinutes > 0) {
    const opensAt = new Date(last.submittedAt.getTime() + policy.cooldownMinutes * 60_000);
    if (now.getTime() < opensAt.getTime()) return { allowed: false, reason: 'cooling-down', opensAt };
  }
  return { allowed: true, attemptNumber: cycle.length + 1 };
}

/**
 * A per-learner adjustment of the time limit (WCAG 2.2.1 Timing Adjustable: turn off, adjust or
 * extend). Set by staff for a learner who needs it, not chosen per attempt.
 */
export interface TimeAccommodation {
  /** Removes the limit altogether. */
  untimed?: boolean;
  /** Multiplies the limit, e.g. 1.5 for "time and a half"; at least 1. */
  multiplier?: number;
  /** Added after the multiplier; at least 0. */
  extraMinutes?: number;
}

/** When a timed attempt must be submitted by, or undefined when it has no limit. */
export function attemptDeadline(
  policy: Pick<AssessmentPolicy, 'timeLimitMinutes'>,
  startedAt: Date,
  accommodation: TimeAccommodation = {},
): Date | undefined {
  const { untimed = false, multiplier = 1, extraMinutes = 0 } = accommodation;
  if (!Number.isFinite(multiplier) || multiplier < 1) throw new RangeError(`a time multiplier is at least 1, not ${multiplier}`);
  if (!Number.isFinite(extraMinutes) || extraMinutes < 0) throw new RangeError(`extra minutes are at least 0, not ${extraMinutes}`);
  if (policy.timeLimitMinutes === undefined || untimed) return undefined;
  const minutes = policy.timeLimitMinutes * multiplier + extraMinutes;
  return new Date(startedAt.getTime() + Math.round(minutes * 60_000));
}

/** Milliseconds left before the deadline (0 once it has passed), or undefined when untimed. */
export function timeRemaining(deadline: Date | undefined, now: Date): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline.getTime() - now.getTime());
}

/**
 * Whether a submission arrived after the deadline. `graceSeconds` absorbs the time between the
 * learner pressing submit (or the page's timer firing) and the request reaching the server.
 */
export function isLate(deadline: Date | undefined, submittedAt: Date, graceSeconds = 0): boolean {
  return deadline !== undefined && submittedAt.getTime() > deadline.getTime() + graceSeconds * 1000;
}

/**
 * The submitted attempt whose result stands for the learner: the best one (ties: the earliest,
 * when that result was first reached) or the most recent. Pass the current cycle.
 */
export function countedAttempt<T extends AttemptFacts>(
  policy: Pick<AssessmentPolicy, 'countedAttempt'>,
  attempts: readonly T[],
): T | undefined {
  const submitted = attempts
    .filter((attempt) => attempt.result)
    .sort((a, b) => submittedTime(a) - submittedTime(b));
  if (policy.countedAttempt === 'last') return submitted.at(-1);
  return submitted.reduce<T | undefined>(
    (best, attempt) => (!best || (attempt.result?.percent ?? 0) > (best.result?.percent ?? 0) ? attempt : best),
    undefined,
  );
}

/**
 * Whether the review of a submitted attempt may reveal per-item results, feedback and correct
 * answers. They are one decision: marking a true-false item wrong already tells its answer.
 */
export type ReviewDecision =
  | { reveal: true }
  | { reveal: false; reason: 'not-submitted' | 'review-never' | 'attempt-in-progress' | 'attempts-exhausted' | 'not-passed-yet' };

export function reviewDecision(
  policy: Pick<AssessmentPolicy, 'review' | 'maxAttempts' | 'recertifyMonths'>,
  attempt: AttemptFacts,
  attempts: readonly AttemptFacts[],
  now: Date,
): ReviewDecision {
  if (!attempt.result) return { reveal: false, reason: 'not-submitted' };
  if (policy.review === 'never') return { reveal: false, reason: 'review-never' };
  const cycle = currentCycle(policy, attempts, now);
  // Answers on one tab while an attempt is open on another would be an open-book test.
  if (cycle.some((other) => !other.result)) return { reveal: false, reason: 'attempt-in-progress' };
  const passed = latestPassAt(cycle) !== undefined;
  // Out of attempts without a pass means a retake later (more attempts granted, or the next
  // cycle); answers revealed now would make that retake a formality.
  if (!passed && policy.maxAttempts !== undefined && cycle.length >= policy.maxAttempts) {
    return { reveal: false, reason: 'attempts-exhausted' };
  }
  if (policy.review === 'after-pass' && !passed) return { reveal: false, reason: 'not-passed-yet' };
  return { reveal: true };
}

function latestPassAt(attempts: readonly AttemptFacts[]): Date | undefined {
  let latest: Date | undefined;
  for (const { result } of attempts) {
    if (result?.passed && (!latest || result.submittedAt.getTime() > latest.getTime())) latest = result.submittedAt;
  }
  return latest;
}

function submittedTime(attempt: AttemptFacts): number {
  return attempt.result?.submittedAt.getTime() ?? 0;
}

function addUtcMonths(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}
