import type { Types } from 'mongoose';
import { recordLtiEvent } from '../diagnostics';
import { ABANDONED_AFTER_MS, delayAfterFailure } from './policy';
import { sendScore, type SendOptions, type SendResult } from './send';
import { PassbackJobModel, PassbackTryModel, type PassbackJob, type PassbackTry } from './store';

const DUPLICATE_KEY = 11000;
const BODY_EXCERPT = 500;
const BATCH = 50;

export type Sender = (job: PassbackJob) => Promise<SendResult>;

export interface RunReport {
  sent: number;
  failed: number;
  gaveUp: number;
  /** Jobs another worker was already trying. */
  skipped: number;
}

/**
 * A try claimed by a worker that never finished it (crashed mid-send) blocks the job's next try
 * number forever; once it is old enough it is closed as abandoned and the job moves past it.
 */
async function releaseAbandonedTry(job: PassbackJob, number: number, now: Date): Promise<void> {
  const claimed = await PassbackTryModel.findOne({ jobId: job._id, number }).lean<PassbackTry>();
  if (!claimed || claimed.finishedAt || now.getTime() - claimed.startedAt.getTime() < ABANDONED_AFTER_MS) return;
  await PassbackTryModel.updateOne({ _id: claimed._id }, { $set: { finishedAt: now, ok: false, status: 0, error: 'abandoned: the worker stopped before the LMS answered' } });
  await PassbackJobModel.updateOne({ _id: job._id, tries: number - 1 }, { $set: { tries: number, nextTryAt: now } });
}

async function claimTry(jobId: Types.ObjectId, number: number, now: Date): Promise<boolean> {
  try {
    await PassbackTryModel.create({ jobId, number, startedAt: now });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

/** Claims the job's next try, sends, and records the answer on the try and the job. */
async function tryJob(job: PassbackJob, now: Date, send: Sender): Promise<keyof RunReport> {
  const number = job.tries + 1;
  if (!(await claimTry(job._id, number, now))) {
    await releaseAbandonedTry(job, number, now);
    return 'skipped';
  }
  // An admin's retry racing a successful try could have reopened a job that was sent; the tries know.
  if (await PassbackTryModel.exists({ jobId: job._id, ok: true })) {
    await PassbackTryModel.updateOne({ jobId: job._id, number }, { $set: { finishedAt: now, ok: false, status: 0, error: 'not sent: an earlier try was accepted' } });
    await PassbackJobModel.updateOne({ _id: job._id }, { $set: { state: 'sent', tries: number } });
    return 'skipped';
  }
  let result: SendResult;
  try {
    result = await send(job);
  } catch (error) {
    result = { ok: false, status: 0, stage: 'network', body: (error as Error).message };
  }
  const answer = { status: result.status, stage: result.stage, body: result.body.slice(0, BODY_EXCERPT), at: now };
  await PassbackTryModel.updateOne({ jobId: job._id, number }, { $set: { finishedAt: now, ok: result.ok, status: answer.status, stage: answer.stage, body: answer.body } });

  const outcome: keyof RunReport = result.ok ? 'sent' : result.permanent || number >= job.maxTries ? 'gaveUp' : 'failed';
  const state = outcome === 'sent' ? 'sent' : outcome === 'gaveUp' ? 'gave-up' : 'pending';
  await PassbackJobModel.updateOne(
    { _id: job._id },
    {
      $set: {
        state,
        tries: number,
        lastAnswer: answer,
        nextTryAt: outcome === 'failed' ? new Date(now.getTime() + delayAfterFailure(number)) : now,
        ...(outcome === 'sent' ? { sentAt: now } : {}),
      },
    },
  );
  await recordLtiEvent({
    kind: 'passback',
    version: job.target.kind === 'lti11' ? '1.1' : '1.3',
    outcome: result.ok ? 'accepted' : 'failed',
    reason: result.ok ? undefined : result.status ? `http-${result.status}` : (result.stage ?? 'no-answer'),
    source: job.provider,
    details: { jobId: job._id.toHexString(), moduleId: job.moduleId, try: number, status: answer.status, stage: answer.stage, body: answer.body, gaveUp: outcome === 'gaveUp' },
    at: now,
  });
  return outcome;
}

/**
 * Sends every job whose next try is due, one after another. Safe to run in several processes at
 * once: each try is claimed by insert before it is sent. Tests call this with a moved clock.
 */
export async function runDueJobs(now: Date, options: SendOptions | { send: Sender }): Promise<RunReport> {
  const send: Sender = 'send' in options ? options.send : (job) => sendScore(job, options);
  const report: RunReport = { sent: 0, failed: 0, gaveUp: 0, skipped: 0 };
  const due = await PassbackJobModel.find({ state: 'pending', nextTryAt: { $lte: now } }).sort({ nextTryAt: 1 }).limit(BATCH).lean<PassbackJob[]>();
  for (const job of due) report[await tryJob(job, now, send)] += 1;
  return report;
}

export interface PassbackWorker {
  /** Waits for a run in progress, then stops. */
  stop(): Promise<void>;
}

/** Runs `runDueJobs` every `intervalMs` (never two runs at once) until stopped. */
export function startPassbackWorker(options: SendOptions & { log: (line: string) => void; intervalMs?: number }): PassbackWorker {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = runDueJobs(options.clock(), options)
      .then((report) => {
        if (report.sent || report.failed || report.gaveUp) log(report);
      })
      .catch((error: unknown) => options.log(`passback: worker run failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  };
  const log = (report: RunReport) => options.log(`passback: ${report.sent} sent, ${report.failed} to retry, ${report.gaveUp} given up`);
  const timer = setInterval(tick, options.intervalMs ?? 15_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
