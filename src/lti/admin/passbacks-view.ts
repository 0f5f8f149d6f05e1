import { UserModel } from '../../users';
import { listPassbacks, type PassbackView } from '../passback';
import { redactForDisplay } from './redact';

/** How many scores in trouble the diagnostics page lists; the full queue is at /admin/lti/passbacks. */
const SHOWN = 20;

export interface PassbackRow {
  id: string;
  learner: string;
  moduleId: string;
  provider: string;
  state: PassbackView['state'];
  tries: number;
  nextTryAt?: Date;
  answer?: { status?: number; stage?: string; body?: string; error?: string };
}

/**
 * Scores that have not reached the LMS after at least one try (still retrying, or given up),
 * newest first, with the LMS's last answer: the passbacks an admin has to look at.
 */
export async function passbacksInTrouble(): Promise<PassbackRow[]> {
  const [gaveUp, pending] = await Promise.all([listPassbacks({ state: 'gave-up', limit: SHOWN }), listPassbacks({ state: 'pending', minTries: 1, limit: SHOWN })]);
  const jobs = [...gaveUp, ...pending]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, SHOWN);
  const users = await UserModel.find({ _id: { $in: jobs.map((job) => job.userId) } }, { displayName: 1 }).lean<{ _id: { toHexString(): string }; displayName: string }[]>();
  const names = new Map(users.map((user) => [user._id.toHexString(), user.displayName]));
  return jobs.map((job) => ({
    id: job._id.toHexString(),
    learner: names.get(job.userId.toHexString()) ?? job.userId.toHexString(),
    moduleId: job.moduleId,
    provider: job.provider,
    state: job.state,
    tries: job.tries,
    nextTryAt: job.state === 'pending' ? job.nextTryAt : undefined,
    answer: job.lastAnswer ? (redactForDisplay({ status: job.lastAnswer.status, stage: job.lastAnswer.stage, body: job.lastAnswer.body, error: job.lastAnswer.error }) as PassbackRow['answer']) : undefined,
  }));
}
