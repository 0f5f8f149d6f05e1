import {
  attemptDeadline,
  canStartAttempt,
  countedAttempt,
  currentCycle,
  hasPassExpired,
  isLate,
  passExpiresAt,
  reviewDecision,
  timeRemaining,
  type AttemptFacts,
} from '../../src/quiz';
import { policy } from './fixtures';

/** A clock the tests move by hand: minutes after a fixed start. */
const T0 = new Date('2025-03-10T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const failed = (startMinute: number, submitMinute = startMinute + 15, percent = 50): AttemptFacts => ({
  startedAt: at(startMinute),
  result: { submittedAt: at(submitMinute), percent, passed: false },
});
const passedAt = (startMinute: number, submitMinute = startMinute + 15, percent = 90): AttemptFacts => ({
  startedAt: at(startMinute),
  result: { submittedAt: at(submitMinute), percent, passed: true },
});
const open = (startMinute: number): AttemptFacts => ({ startedAt: at(startMinute) });

describe('canStartAttempt', () => {
  const limited = policy({ maxAttempts: 3, cooldownMinutes: 30 });

  it('lets a learner start the first attempt', () => {
    expect(canStartAttempt(limited, [], T0)).toEqual({ allowed: true, attemptNumber: 1 });
  });

  it('sends a learner with an open attempt back to it', () => {
    expect(canStartAttempt(limited, [failed(0), open(60)], at(200))).toEqual({ allowed: false, reason: 'in-progress' });
  });

  it('waits the cooldown after a failed attempt, measured from its submission', () => {
    const history = [failed(0, 20)];
    expect(canStartAttempt(limited, history, at(21))).toEqual({ allowed: false, reason: 'cooling-down', opensAt: at(50) });
    expect(canStartAttempt(limited, history, at(49.99))).toMatchObject({ allowed: false, reason: 'cooling-down' });
    expect(canStartAttempt(limited, history, at(50))).toEqual({ allowed: true, attemptNumber: 2 });
    expect(canStartAttempt(policy({ cooldownMinutes: 0 }), history, at(20))).toEqual({ allowed: true, attemptNumber: 2 });
  });

  it('stops after the last allowed attempt, cooldown or not', () => {
    const history = [failed(0), failed(60), failed(120, 130)];
    expect(canStartAttempt(limited, history, at(131))).toEqual({ allowed: false, reason: 'no-attempts-left' });
    expect(canStartAttempt(limited, history, at(100_000))).toEqual({ allowed: false, reason: 'no-attempts-left' });
    expect(canStartAttempt(policy(), history, at(131))).toEqual({ allowed: true, attemptNumber: 4 });
  });

  it('needs no new attempt once passed, and says until when the pass holds', () => {
    expect(canStartAttempt(limited, [failed(0), passedAt(60)], at(100))).toEqual({ allowed: false, reason: 'passed' });
    const recertified = policy({ recertifyMonths: 12 });
    expect(canStartAttempt(recertified, [passedAt(0, 15)], at(100))).toEqual({
      allowed: false,
      reason: 'passed',
      expiresAt: new Date('2026-03-10T08:15:00Z'),
    });
  });

  it('opens a fresh cycle with a full set of attempts once a pass has expired', () => {
    const recertified = policy({ maxAttempts: 2, recertifyMonths: 12, cooldownMinutes: 30 });
    const history = [failed(0), passedAt(60, 75)];
    const beforeExpiry = new Date('2026-03-10T09:14:59Z');
    const afterExpiry = new Date('2026-03-10T09:15:00Z');
    expect(canStartAttempt(recertified, history, beforeExpiry)).toMatchObject({ allowed: false, reason: 'passed' });
    expect(canStartAttempt(recertified, history, afterExpiry)).toEqual({ allowed: true, attemptNumber: 1 });
    const newCycle = [...history, failed(600_000, 600_010)];
    expect(currentCycle(recertified, newCycle, at(600_020))).toEqual([newCycle[2]]);
    expect(canStartAttempt(recertified, newCycle, at(600_020))).toMatchObject({ allowed: false, reason: 'cooling-down' });
  });
});

describe('recertification', () => {
  const yearly = policy({ recertifyMonths: 12 });
  it('expires a pass after whole calendar months, clamped to the end of a shorter month', () => {
    expect(passExpiresAt(yearly, new Date('2025-06-30T10:00:00Z'))).toEqual(new Date('2026-06-30T10:00:00Z'));
    expect(passExpiresAt(policy({ recertifyMonths: 1 }), new Date('2025-01-31T10:00:00Z'))).toEqual(new Date('2025-02-28T10:00:00Z'));
    expect(passExpiresAt(policy({ recertifyMonths: 1 }), new Date('2024-01-31T10:00:00Z'))).toEqual(new Date('2024-02-29T10:00:00Z'));
    expect(passExpiresAt(yearly, new Date('2024-02-29T10:00:00Z'))).toEqual(new Date('2025-02-28T10:00:00Z'));
    expect(passExpiresAt(policy(), new Date('2024-02-29T10:00:00Z'))).toBeUndefined();
  });

  it('tells whether a pass has expired at a given moment', () => {
    const passed = new Date('2025-06-30T10:00:00Z');
    expect(hasPassExpired(yearly, passed, new Date('2026-06-30T09:59:59Z'))).toBe(false);
    expect(hasPassExpired(yearly, passed, new Date('2026-06-30T10:00:00Z'))).toBe(true);
    expect(hasPassExpired(policy(), passed, new Date('2099-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('time limits', () => {
  const timed = policy({ timeLimitMinutes: 20 });

  it('sets the deadline from the time limit', () => {
    expect(attemptDeadline(timed, T0)).toEqual(at(20));
    expect(attemptDeadline(policy(), T0)).toBeUndefined();
  });

  it('adjusts it per learner (WCAG 2.2.1): longer, extended or off', () => {
    expect(attemptDeadline(timed, T0, { multiplier: 1.5 })).toEqual(at(30));
    expect(attemptDeadline(timed, T0, { extraMinutes: 10 })).toEqual(at(30));
    expect(attemptDeadline(timed, T0, { multiplier: 2, extraMinutes: 5 })).toEqual(at(45));
    expect(attemptDeadline(timed, T0, { multiplier: 10 })).toEqual(at(200));
    expect(attemptDeadline(timed, T0, { untimed: true })).toBeUndefined();
  });

  it('refuses accommodations that would shorten the time', () => {
    expect(() => attemptDeadline(timed, T0, { multiplier: 0.5 })).toThrow(RangeError);
    expect(() => attemptDeadline(timed, T0, { multiplier: Number.NaN })).toThrow(RangeError);
    expect(() => attemptDeadline(timed, T0, { extraMinutes: -5 })).toThrow(RangeError);
  });

  it('counts down and marks late submissions, with an optional grace', () => {
    const deadline = at(20);
    expect(timeRemaining(deadline, at(19))).toBe(60_000);
    expect(timeRemaining(deadline, at(25))).toBe(0);
    expect(timeRemaining(undefined, at(25))).toBeUndefined();
    expect(isLate(deadline, at(20))).toBe(false);
    expect(isLate(deadline, new Date(deadline.getTime() + 1))).toBe(true);
    expect(isLate(deadline, new Date(deadline.getTime() + 30_000), 30)).toBe(false);
    expect(isLate(deadline, new Date(deadline.getTime() + 30_001), 30)).toBe(true);
    expect(isLate(undefined, at(100_000))).toBe(false);
  });
});

describe('countedAttempt', () => {
  const first = failed(0, 15, 60);
  const best = failed(60, 75, 70);
  const tie = failed(120, 135, 70);
  const lastOne = failed(180, 195, 40);
  const history = [lastOne, first, tie, best, open(240)];

  it('counts the highest, the earliest of equals', () => {
    expect(countedAttempt(policy({ countedAttempt: 'highest' }), history)).toBe(best);
  });

  it('counts the last submitted', () => {
    expect(countedAttempt(policy({ countedAttempt: 'last' }), history)).toBe(lastOne);
  });

  it('counts nothing before a submission', () => {
    expect(countedAttempt(policy(), [open(0)])).toBeUndefined();
    expect(countedAttempt(policy(), [])).toBeUndefined();
  });
});

describe('reviewDecision', () => {
  type Review = 'after-each-attempt' | 'after-pass' | 'never';
  const now = at(10_000);
  const decide = (review: Review, history: AttemptFacts[], attempt = history[0]!) =>
    reviewDecision(policy({ review, maxAttempts: 3 }), attempt, history, now);

  const oneFail = [failed(0)];
  const passedNow = [failed(0), passedAt(60)];
  const exhausted = [failed(0), failed(60), failed(120)];
  const reopened = [failed(0), open(60)];

  it.each<[Review, string, AttemptFacts[], ReturnType<typeof decide>]>([
    ['after-each-attempt', 'a failed attempt with attempts left', oneFail, { reveal: true }],
    ['after-each-attempt', 'after passing', passedNow, { reveal: true }],
    ['after-each-attempt', 'all attempts used without a pass', exhausted, { reveal: false, reason: 'attempts-exhausted' }],
    ['after-each-attempt', 'while another attempt is open', reopened, { reveal: false, reason: 'attempt-in-progress' }],
    ['after-pass', 'a failed attempt with attempts left', oneFail, { reveal: false, reason: 'not-passed-yet' }],
    ['after-pass', 'after passing', passedNow, { reveal: true }],
    ['after-pass', 'all attempts used without a pass', exhausted, { reveal: false, reason: 'attempts-exhausted' }],
    ['never', 'a failed attempt with attempts left', oneFail, { reveal: false, reason: 'review-never' }],
    ['never', 'after passing', passedNow, { reveal: false, reason: 'review-never' }],
    ['never', 'all attempts used without a pass', exhausted, { reveal: false, reason: 'review-never' }],
  ])('%s, %s', (review, _situation, history, expected) => {
    expect(decide(review, history)).toEqual(expected);
  });

  it('reveals nothing about an attempt that is still open', () => {
    expect(decide('after-each-attempt', reopened, reopened[1])).toEqual({ reveal: false, reason: 'not-submitted' });
  });

  it('treats a pass on the last allowed attempt as passed, not exhausted', () => {
    expect(decide('after-each-attempt', [failed(0), failed(60), passedAt(120)])).toEqual({ reveal: true });
  });

  it('judges by the current cycle once a pass has expired', () => {
    const yearly = policy({ review: 'after-pass', maxAttempts: 3, recertifyMonths: 12 });
    const history = [passedAt(0), failed(600_000)];
    const later = at(600_100);
    expect(reviewDecision(yearly, history[0]!, history, at(100))).toEqual({ reveal: true });
    expect(reviewDecision(yearly, history[1]!, history, later)).toEqual({ reveal: false, reason: 'not-passed-yet' });
  });

  it('reveals without a limit on attempts', () => {
    expect(reviewDecision(policy({ review: 'after-each-attempt' }), exhausted[0]!, exhausted, now)).toEqual({ reveal: true });
  });
});
