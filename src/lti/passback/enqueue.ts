import { createHash } from 'node:crypto';
import { listCompletionsSince, onCompletion, type Completion } from '../../completion';
import type { AgsOutcomeTarget, Lti11OutcomeTarget } from '../launch';
import { placementsWithOutcome, type Placement } from '../placements';
import { MAX_TRIES } from './policy';
import { PassbackJobModel } from './store';

const DUPLICATE_KEY = 11000;

/** Scores go back for learners only: a trainer or admin trying a module is not graded in the LMS. */
export function isLearnerPlacement(placement: Pick<Placement, 'roles'>): boolean {
  return placement.roles.includes('learner') && !placement.roles.some((role) => role === 'trainer' || role === 'admin');
}

/** The gradebook cell a target names: the same cell reached twice is one job. */
function targetKey(target: Lti11OutcomeTarget | AgsOutcomeTarget, subject: string): string {
  const parts =
    target.kind === 'lti11'
      ? ['lti11', target.consumerKey, target.serviceUrl, target.sourcedId]
      : ['ags', target.platformId, target.lineItemUrl ?? `${target.lineItemsUrl ?? ''}#${target.resourceLinkId ?? ''}`, subject];
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

/**
 * Queues one job per (completion, gradebook) for the learner placements given, each by insert
 * under its unique key; an existing job is left as it is. Returns how many were new.
 */
export async function enqueuePassbacks(completion: Completion, placements: readonly Placement[], now: Date): Promise<number> {
  let created = 0;
  for (const placement of placements) {
    if (!placement.outcome || !isLearnerPlacement(placement) || placement.moduleId !== completion.moduleId || !placement.userId.equals(completion.userId)) continue;
    try {
      await PassbackJobModel.create({
        key: `completion:${completion._id.toHexString()}|${targetKey(placement.outcome, placement.subject)}`,
        completionId: completion._id,
        userId: completion.userId,
        moduleId: completion.moduleId,
        moduleVersion: completion.moduleVersion,
        provider: placement.provider,
        subject: placement.subject,
        target: placement.outcome,
        scorePercent: completion.scorePercent ?? 100,
        completedAt: completion.completedAt,
        createdAt: now,
        state: 'pending',
        tries: 0,
        maxTries: MAX_TRIES,
        // Due from the moment of completion (which a start-up catch-up or a later launch may find long past).
        nextTryAt: completion.completedAt,
      });
      created += 1;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
  return created;
}

/** A new completion: queue its score for every gradebook the learner reached the module from. */
export async function enqueueForCompletion(completion: Completion, now = new Date()): Promise<number> {
  return enqueuePassbacks(completion, await placementsWithOutcome(completion.userId, completion.moduleId), now);
}

/** Subscribes grade passback to new completions (once, however often it is called). */
export function registerPassbackListener(): () => void {
  return onCompletion('lti-passback', async (completion) => {
    await enqueueForCompletion(completion);
  });
}

/** How far back the start-up catch-up looks for completions a crash kept from being queued. */
export const CATCH_UP_DAYS = 30;

/**
 * Queues what the listener missed (a crash between a completion and its listener): every recent
 * completion's jobs, idempotently. Run at start-up, like the ledger's catch-up.
 */
export async function catchUpPassbacks(log: (line: string) => void, now = new Date()): Promise<number> {
  const since = new Date(now.getTime() - CATCH_UP_DAYS * 24 * 3600 * 1000);
  let created = 0;
  for (const completion of await listCompletionsSince(since)) {
    try {
      created += await enqueueForCompletion(completion, now);
    } catch (error) {
      log(`passback: could not queue completion ${completion.idempotencyKey}: ${(error as Error).message}`);
    }
  }
  log(`passback: ${created} score${created === 1 ? '' : 's'} queued by the start-up catch-up`);
  return created;
}
