import { Types } from 'mongoose';
import { MAX_TRIES } from './policy';
import { PassbackJobModel, PassbackTryModel, type PassbackJob, type PassbackState, type PassbackTry } from './store';

export interface PassbackFilter {
  state?: PassbackState;
  userId?: Types.ObjectId;
  moduleId?: string;
  /** Only jobs tried at least this many times. */
  minTries?: number;
  limit?: number;
}

/** A job as the admin pages show it: where the score goes, each try with the LMS's answer. */
export interface PassbackView extends Omit<PassbackJob, 'target'> {
  target: { kind: 'lti11' | 'ags'; url?: string };
  tryHistory: PassbackTry[];
}

/** The gradebook a target names, without anything secret (1.1 sourcedIds are opaque, not secret, but not useful either). */
function describeTarget(target: PassbackJob['target']): PassbackView['target'] {
  return target.kind === 'lti11' ? { kind: 'lti11', url: target.serviceUrl } : { kind: 'ags', url: target.lineItemUrl ?? target.lineItemsUrl };
}

/**
 * Passback jobs, newest first, each with its tries (status and the start of the LMS's answer; never
 * an access token, which is not stored). For the admin diagnostics pages.
 */
export async function listPassbacks(filter: PassbackFilter = {}): Promise<PassbackView[]> {
  const query: Record<string, unknown> = {};
  if (filter.state) query.state = filter.state;
  if (filter.userId) query.userId = filter.userId;
  if (filter.moduleId) query.moduleId = filter.moduleId;
  if (filter.minTries) query.tries = { $gte: filter.minTries };
  const jobs = await PassbackJobModel.find(query).sort({ createdAt: -1 }).limit(filter.limit ?? 100).lean<PassbackJob[]>();
  const tries = await PassbackTryModel.find({ jobId: { $in: jobs.map((job) => job._id) } }).sort({ number: 1 }).lean<PassbackTry[]>();
  return jobs.map((job) => ({
    ...job,
    target: describeTarget(job.target),
    tryHistory: tries.filter((entry) => entry.jobId.equals(job._id)),
  }));
}

/**
 * An admin's "retry now": a job that gave up (or is waiting) is due at once, with a fresh round of
 * tries. A job already sent is left alone, so a score is never sent twice. Returns false when
 * there is nothing to retry.
 */
export async function retryPassback(jobId: string, now: Date): Promise<boolean> {
  if (!Types.ObjectId.isValid(jobId)) return false;
  const job = await PassbackJobModel.findById(jobId).lean<PassbackJob>();
  if (!job || job.state === 'sent') return false;
  const result = await PassbackJobModel.updateOne(
    { _id: job._id, state: { $ne: 'sent' } },
    { $set: { state: 'pending', nextTryAt: now, maxTries: job.tries + MAX_TRIES } },
  );
  return result.matchedCount === 1;
}
