import type { Keyring, SecretBox } from '../../keys';
import { Lti11OutcomeError, sendLti11Outcome } from '../v11';
import { postAgsScore } from '../v13';
import type { PassbackJob } from './store';

/** What the worker needs to act for Shixun towards an LMS. */
export interface SendOptions {
  secretBox: SecretBox;
  keyring: Keyring;
  clock: () => Date;
}

export interface SendResult {
  ok: boolean;
  /** HTTP status of the LMS's answer; 0 when none came. */
  status: number;
  stage?: string;
  body: string;
  /** Retrying cannot help (e.g. the consumer was disabled): give up now, an admin may retry later. */
  permanent?: boolean;
}

/**
 * Sends one job's score the way its gradebook speaks: LTI 1.1 `replaceResult` (0..1) through B's
 * outcome service, or an AGS score (percent of 100, `Completed`/`FullyGraded`, stamped with the
 * completion time so a late retry never overwrites a newer score) through C's client. A network
 * error or timeout rejects; the worker records it as a failed try.
 */
export async function sendScore(job: PassbackJob, options: SendOptions): Promise<SendResult> {
  if (job.target.kind === 'lti11') {
    try {
      const answer = await sendLti11Outcome(job.target, job.scorePercent / 100, { secretBox: options.secretBox, now: options.clock() });
      return { ok: answer.ok, status: answer.status, stage: 'outcome', body: answer.body };
    } catch (error) {
      if (error instanceof Lti11OutcomeError) return { ok: false, status: 0, stage: 'outcome', body: error.message, permanent: true };
      throw error;
    }
  }
  const answer = await postAgsScore(
    job.target,
    {
      userId: job.subject,
      scoreGiven: job.scorePercent,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: job.completedAt,
    },
    { keyring: options.keyring, clock: options.clock },
  );
  return { ok: answer.ok, status: answer.status, stage: answer.stage, body: answer.body };
}
