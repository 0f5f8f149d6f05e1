/** Tries before a job gives up and waits for an admin (about eight and a half hours of retrying). */
export const MAX_TRIES = 10;

const FIRST_DELAY_MS = 60_000;
const LONGEST_DELAY_MS = 6 * 3600 * 1000;

/** A try that started this long ago and never finished belongs to a worker that died mid-send. */
export const ABANDONED_AFTER_MS = 10 * 60_000;

/** Exponential backoff: one minute after the first failure, doubling, never more than six hours. */
export function delayAfterFailure(triesSoFar: number): number {
  return Math.min(FIRST_DELAY_MS * 2 ** Math.max(0, triesSoFar - 1), LONGEST_DELAY_MS);
}
