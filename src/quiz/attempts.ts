import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { findBankVersion, findLatestBanks, type AssessmentPolicy, type ModuleVersion } from '../courses';
import {
  AccommodationModel,
  AttemptModel,
  AttemptResultModel,
  type SavedResponse,
  type StoredAccommodation,
  type StoredAttempt,
  type StoredResult,
} from './attempt-store';
import { drawAttempt } from './draw';
import { gradeAttempt } from './grade';
import { itemKey, type BankContent } from './items';
import { attemptDeadline, canStartAttempt, countedAttempt, currentCycle, isLate, passExpiresAt, reviewDecision, type AttemptFacts, type StartDecision, type TimeAccommodation } from './policy';
import { presentAttempt, type PresentedItem } from './present';
import { resolveDraw, type DrawnItem } from './resolve';
import { validateResponse, validateSubmission, type Rejection, type Responses } from './response';
import { buildReview, type AttemptReview } from './review';
import { createSeed } from './random';

const DUPLICATE_KEY = 11000;
/** Time between a learner pressing submit as the clock runs out and the request arriving. */
const SUBMIT_GRACE_SECONDS = 30;

export interface AttemptSummary extends AttemptFacts {
  attemptId: string;
  sequence: number;
  deadline?: Date;
  result?: { submittedAt: Date; percent: number; passed: boolean; late: boolean };
}

export interface AssessmentStatus {
  policy: AssessmentPolicy;
  attempts: AttemptSummary[];
  /** Attempts of the current cycle (all of them unless a pass has expired). */
  cycle: AttemptSummary[];
  start: StartDecision;
  open?: AttemptSummary;
  counted?: AttemptSummary;
  attemptsLeft?: number;
  /** The pass that currently stands, and until when, if any. */
  pass?: { attemptId: string; passedAt: Date; validUntil?: Date };
}

/** Everything a page needs about a learner's assessment for one module version. */
export async function assessmentStatus(userId: Types.ObjectId, module: ModuleVersion, now: Date): Promise<AssessmentStatus | undefined> {
  const policy = module.assessment;
  if (!policy) return undefined;
  const attempts = await listAttemptSummaries({ userId, moduleId: module.moduleId, moduleVersion: module.version });
  const cycle = currentCycle(policy, attempts, now);
  const passing = cycle.filter((attempt) => attempt.result?.passed).at(-1);
  return {
    policy,
    attempts,
    cycle,
    start: canStartAttempt(policy, attempts, now),
    open: cycle.find((attempt) => !attempt.result),
    counted: countedAttempt(policy, cycle),
    attemptsLeft: policy.maxAttempts === undefined ? undefined : Math.max(0, policy.maxAttempts - cycle.length),
    pass: passing?.result
      ? { attemptId: passing.attemptId, passedAt: passing.result.submittedAt, validUntil: passExpiresAt(policy, passing.result.submittedAt) }
      : undefined,
  };
}

async function listAttemptSummaries(filter: { userId: Types.ObjectId; moduleId: string; moduleVersion: number }): Promise<AttemptSummary[]> {
  const attempts = await AttemptModel.find(filter, { attemptId: 1, sequence: 1, startedAt: 1, deadline: 1 }).sort({ sequence: 1 }).lean<StoredAttempt[]>();
  const results = await AttemptResultModel.find({ attemptId: { $in: attempts.map((a) => a.attemptId) } }, { attemptId: 1, submittedAt: 1, late: 1, grade: 1 }).lean<StoredResult[]>();
  const resultById = new Map(results.map((result) => [result.attemptId, result]));
  return attempts.map((attempt) => {
    const result = resultById.get(attempt.attemptId);
    return {
      attemptId: attempt.attemptId,
      sequence: attempt.sequence,
      startedAt: attempt.startedAt,
      deadline: attempt.deadline,
      result: result && { submittedAt: result.submittedAt, percent: result.grade.percent, passed: result.grade.passed, late: result.late },
    };
  });
}

export type StartOutcome = { started: true; attemptId: string } | { started: false; decision: Exclude<StartDecision, { allowed: true }>; attemptId?: string };

/**
 * Opens an attempt if the policy allows one, or points at the open one. Two concurrent requests
 * race for the same sequence number; the unique index lets exactly one of them in.
 */
export async function startAttempt(userId: Types.ObjectId, module: ModuleVersion, now: Date): Promise<StartOutcome> {
  const status = await assessmentStatus(userId, module, now);
  if (!status) throw new Error(`module ${module.moduleId} has no assessment`);
  if (!status.start.allowed) return { started: false, decision: status.start, attemptId: status.open?.attemptId };

  const seen = await itemsSeenBefore(userId, module);
  const bankIds = [...new Set(status.policy.pools.map((pool) => pool.bank))];
  const banks = new Map<string, BankContent>((await findLatestBanks(bankIds)).map((bank) => [bank.bankId, { version: bank.version, items: bank.items }]));
  const draw = drawAttempt({ policy: status.policy, banks, seed: createSeed(), seen });
  const accommodation = await findAccommodation(userId, module.moduleId);
  const attemptId = randomBytes(16).toString('base64url');
  try {
    await AttemptModel.create({
      attemptId,
      userId,
      moduleId: module.moduleId,
      moduleVersion: module.version,
      sequence: (status.attempts.at(-1)?.sequence ?? 0) + 1,
      draw,
      startedAt: now,
      deadline: attemptDeadline(status.policy, now, accommodation),
      responses: {},
    });
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    const after = await assessmentStatus(userId, module, now);
    return { started: false, decision: { allowed: false, reason: 'in-progress' }, attemptId: after?.open?.attemptId };
  }
  return { started: true, attemptId };
}

async function itemsSeenBefore(userId: Types.ObjectId, module: ModuleVersion): Promise<Set<string>> {
  const earlier = await AttemptModel.find({ userId, moduleId: module.moduleId }, { draw: 1 }).lean<Pick<StoredAttempt, 'draw'>[]>();
  return new Set(earlier.flatMap((attempt) => attempt.draw.items.map((item) => itemKey(item.bankId, item.itemId))));
}

async function findAccommodation(userId: Types.ObjectId, moduleId: string): Promise<TimeAccommodation> {
  const found = await AccommodationModel.find({ userId, scope: { $in: [moduleId, '*'] } }).lean<StoredAccommodation[]>();
  const specific = found.find((a) => a.scope === moduleId) ?? found[0];
  return specific ? { untimed: specific.untimed ?? undefined, multiplier: specific.multiplier ?? undefined, extraMinutes: specific.extraMinutes ?? undefined } : {};
}

/** Staff record a learner's time adjustment; it applies to attempts started afterwards. */
export async function setAccommodation(userId: Types.ObjectId, scope: string, accommodation: TimeAccommodation, setBy: string, now: Date): Promise<void> {
  attemptDeadline({ timeLimitMinutes: 1 }, now, accommodation); // throws on a value that would shorten the time
  await AccommodationModel.updateOne(
    { userId, scope },
    { $set: { ...accommodation, setBy, setAt: now } },
    { upsert: true },
  );
}

export interface OpenAttempt {
  attempt: StoredAttempt;
  items: DrawnItem[];
  result?: StoredResult;
}

/**
 * The attempt if it belongs to this learner. Anyone else gets undefined, exactly as for an id that
 * does not exist, so attempt ids reveal nothing.
 */
export async function loadAttempt(attemptId: string, userId: Types.ObjectId): Promise<OpenAttempt | undefined> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(attemptId)) return undefined;
  const attempt = await AttemptModel.findOne({ attemptId, userId }).lean<StoredAttempt>();
  if (!attempt) return undefined;
  const items = await resolveStoredDraw(attempt);
  const result = (await AttemptResultModel.findOne({ attemptId }).lean<StoredResult>()) ?? undefined;
  return { attempt, items, result };
}

async function resolveStoredDraw(attempt: StoredAttempt): Promise<DrawnItem[]> {
  const versions = new Map<string, BankContent>();
  for (const ref of attempt.draw.items) {
    const key = `${ref.bankId}@${ref.bankVersion}`;
    if (versions.has(key)) continue;
    const bank = await findBankVersion(ref.bankId, ref.bankVersion);
    if (bank) versions.set(key, { version: bank.version, items: bank.items });
  }
  return resolveDraw(attempt.draw, (bankId, version) => versions.get(`${bankId}@${version}`));
}

export function presentOpenAttempt(open: OpenAttempt): { items: PresentedItem[]; saved: Record<string, SavedResponse> } {
  return { items: presentAttempt(open.items), saved: open.attempt.responses };
}

export type SaveOutcome =
  | { saved: string[]; rejected: Rejection[] }
  | { closed: 'submitted' | 'time-up' };

/**
 * Stores answers as the learner goes, item by item: a valid answer is kept even when another item
 * in the same request is not. After the deadline nothing more is accepted, so a late submission
 * is graded on what was saved in time.
 */
export async function saveResponses(open: OpenAttempt, raw: Record<string, unknown>, now: Date): Promise<SaveOutcome> {
  if (open.result) return { closed: 'submitted' };
  if (isLate(open.attempt.deadline, now, SUBMIT_GRACE_SECONDS)) return { closed: 'time-up' };
  const byKey = new Map(open.items.map((item) => [item.key, item]));
  const update: Record<string, SavedResponse> = {};
  const rejected: Rejection[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const drawn = byKey.get(key);
    if (!drawn) {
      rejected.push({ reason: 'item-not-in-attempt', itemKey: key, detail: 'this question is not part of the attempt' });
      continue;
    }
    const check = validateResponse(drawn, value);
    if (!check.ok) rejected.push(check.rejection);
    else update[`responses.${key}`] = { response: check.response ?? null, savedAt: now };
  }
  if (Object.keys(update).length > 0) {
    await AttemptModel.updateOne({ attemptId: open.attempt.attemptId }, { $set: update });
  }
  return { saved: Object.keys(update).map((path) => path.slice('responses.'.length)), rejected };
}

export type SubmitOutcome = { result: StoredResult; firstTime: boolean } | { rejected: Rejection[] };

/**
 * Grades an attempt once. The final answers (when on time) are saved first, then the grade is
 * inserted under the attempt id: a second submit, a retry or a concurrent request finds that
 * document and returns the same result.
 */
export async function submitAttempt(open: OpenAttempt, policy: AssessmentPolicy, finalAnswers: Record<string, unknown>, now: Date): Promise<SubmitOutcome> {
  if (open.result) return { result: open.result, firstTime: false };
  const late = isLate(open.attempt.deadline, now, SUBMIT_GRACE_SECONDS);
  let saved = open.attempt.responses;
  if (!late) {
    const check = validateSubmission(open.items, finalAnswers);
    if (!check.ok) return { rejected: check.rejections };
    saved = { ...saved, ...Object.fromEntries(Object.entries(check.responses).map(([key, response]) => [key, { response, savedAt: now }])) };
  }
  const deadline = open.attempt.deadline;
  const responses: Responses = Object.fromEntries(
    Object.entries(saved)
      .filter(([, entry]) => entry.response !== null && (!late || !deadline || entry.savedAt.getTime() <= deadline.getTime() + SUBMIT_GRACE_SECONDS * 1000))
      .map(([key, entry]) => [key, entry.response!]),
  );
  const grade = gradeAttempt(open.items, responses, policy);
  const result: StoredResult = {
    attemptId: open.attempt.attemptId,
    userId: open.attempt.userId,
    moduleId: open.attempt.moduleId,
    moduleVersion: open.attempt.moduleVersion,
    submittedAt: now,
    late,
    grade,
    responses: { ...responses },
  };
  try {
    await AttemptResultModel.create(result);
    return { result, firstTime: true };
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    const stored = await AttemptResultModel.findOne({ attemptId: open.attempt.attemptId }).lean<StoredResult>();
    return { result: stored!, firstTime: false };
  }
}

/** What the results page shows, with feedback and answers only where the review policy allows. */
export async function reviewAttempt(open: OpenAttempt & { result: StoredResult }, module: ModuleVersion, now: Date): Promise<AttemptReview> {
  const policy = module.assessment!;
  const attempts = await listAttemptSummaries({ userId: open.attempt.userId, moduleId: module.moduleId, moduleVersion: module.version });
  const self = attempts.find((a) => a.attemptId === open.attempt.attemptId)!;
  const decision = reviewDecision(policy, self, attempts, now);
  return buildReview(open.items, open.result.responses, open.result.grade, decision);
}
