import type { Random } from './random';

/** Pinned entries ("none of the above") stay at their index; the others move among the free slots. */
export function shuffleKeepingPinned<T extends { pinned?: boolean | undefined }>(entries: readonly T[], random: Random): T[] {
  const free = random.shuffle(entries.filter((entry) => !entry.pinned));
  let next = 0;
  return entries.map((entry) => (entry.pinned ? entry : (free[next++] as T)));
}

const ATTEMPTS_BEFORE_FALLBACK = 32;

/**
 * Shuffles, re-shuffling while the result would give the answer away (an ordering item shown in
 * its correct order). Rejection keeps every other arrangement equally likely. With two entries
 * each try fails half the time, so a cap is needed; the fallback rotates by one, which differs
 * from any arrangement of two or more distinct entries.
 */
export function shuffleAvoiding<T>(entries: readonly T[], random: Random, givesAway: (arrangement: readonly T[]) => boolean): T[] {
  if (entries.length < 2) return [...entries];
  let arrangement = random.shuffle(entries);
  for (let tries = 1; givesAway(arrangement) && tries < ATTEMPTS_BEFORE_FALLBACK; tries++) {
    arrangement = random.shuffle(entries);
  }
  return givesAway(arrangement) ? [...arrangement.slice(1), arrangement[0] as T] : arrangement;
}
