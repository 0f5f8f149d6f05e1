import type { Types } from 'mongoose';
import type { ModuleVersion } from '../courses';
import { findProgress, summarizeProgress } from '../progress';
import { assessmentStatus } from '../quiz';
import { publishCompletion } from './events';
import { CompletionModel, type Completion } from './store';

const DUPLICATE_KEY = 11000;

/**
 * Records a completion when the module's rule holds: every lesson studied and, when the module
 * has an assessment, a pass that still stands. Called after each step that could make it true
 * (a lesson studied, an attempt graded); whichever comes last creates it, exactly once, and only
 * that call publishes it.
 */
export async function completeIfEligible(
  userId: Types.ObjectId,
  module: ModuleVersion,
  now: Date,
  log: (line: string) => void,
): Promise<Completion | undefined> {
  const summary = summarizeProgress(module, await findProgress(userId, module));
  if (!summary.lessonsDone) return undefined;
  const status = await assessmentStatus(userId, module, now);
  if (status && !status.pass) return undefined;
  const passing = status?.pass;
  const passedResult = passing && status.attempts.find((attempt) => attempt.attemptId === passing.attemptId)?.result;

  const completion = {
    idempotencyKey: `${userId.toString()}:${module.moduleId}@${module.version}:${passing?.attemptId ?? 'lessons'}`,
    userId,
    moduleId: module.moduleId,
    moduleVersion: module.version,
    track: module.track,
    category: module.category,
    creditHours: module.creditHours,
    attemptId: passing?.attemptId,
    scorePercent: passedResult?.percent,
    completedAt: now,
    validUntil: passing?.validUntil,
  };
  try {
    const created = (await CompletionModel.create(completion)).toObject() as Completion;
    await publishCompletion(created, log);
    return created;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    return (await CompletionModel.findOne({ idempotencyKey: completion.idempotencyKey }).lean<Completion>()) ?? undefined;
  }
}

/** The completion that currently stands for a learner and module (any version), if any. */
export async function currentCompletion(userId: Types.ObjectId, moduleId: string, now: Date): Promise<Completion | undefined> {
  const latest = await CompletionModel.findOne({ userId, moduleId }).sort({ completedAt: -1 }).lean<Completion>();
  if (!latest || (latest.validUntil && latest.validUntil.getTime() <= now.getTime())) return undefined;
  return latest;
}

export async function listCompletions(userId: Types.ObjectId): Promise<Completion[]> {
  return CompletionModel.find({ userId }).sort({ completedAt: -1 }).lean<Completion[]>();
}

/** For listeners catching up after a restart: completions recorded since a point in time. */
export async function listCompletionsSince(since: Date): Promise<Completion[]> {
  return CompletionModel.find({ completedAt: { $gte: since } }).sort({ completedAt: 1 }).lean<Completion[]>();
}
