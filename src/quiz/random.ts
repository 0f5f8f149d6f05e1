import { createHash, randomBytes } from 'node:crypto';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  /** A shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[];
}

/** A fresh seed for a new attempt; store it with the attempt. */
export function createSeed(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A deterministic generator for one purpose ("stream") of one seed. Separate streams keep draws
 * stable: the option order of an item depends only on the seed and that item, not on which other
 * items happened to be drawn before it.
 *
 * sfc32 seeded from sha256: tiny, well distributed, and identical on every Node version, unlike
 * anything built on Math.random.
 */
export function seededRandom(seed: string, ...stream: string[]): Random {
  const digest = createHash('sha256').update(JSON.stringify([seed, ...stream])).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);

  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 are still close to the raw state; discard them.
  for (let i = 0; i < 12; i++) next();

  const below = (n: number): number => Math.floor(next() * n);
  const shuffle = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = below(i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  return { next, below, shuffle };
}
