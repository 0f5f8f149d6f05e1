import mongoose, { Schema } from 'mongoose';

/** How far an `oauth_timestamp` may be from Shixun's clock, in either direction. */
export const TIMESTAMP_WINDOW_SECONDS = 5 * 60;
const SWEEP_EVERY_MS = 60_000;

/**
 * Nonces seen per consumer. A replay is refused by the unique (consumerKey, nonce) index, which
 * FerretDB enforces under concurrency too. A nonce is kept as long as its timestamp could still be
 * accepted; after that the timestamp check refuses a replay on its own, so the row can go.
 */
const nonceSchema = new Schema(
  {
    consumerKey: { type: String, required: true },
    nonce: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'lti_nonces', strict: 'throw', versionKey: false },
);
nonceSchema.index({ consumerKey: 1, nonce: 1 }, { unique: true });
nonceSchema.index({ expiresAt: 1 });

export const LtiNonceModel = mongoose.model('LtiNonce', nonceSchema);

export type NonceVerdict = 'accepted' | 'nonce-reused' | 'timestamp-stale' | 'timestamp-future' | 'timestamp-invalid';

let lastSweepAt = 0;
let ttlIndexTried = false;

/**
 * A TTL index where the server has them (MongoDB), tried once per process; FerretDB v1 refuses it
 * ("expireAfterSeconds is not implemented"), and there the sweep alone expires nonces. Kept out of
 * the schema so `ensureIndexes()` does not fail on FerretDB.
 */
async function tryTtlIndex(): Promise<void> {
  if (ttlIndexTried) return;
  ttlIndexTried = true;
  try {
    await LtiNonceModel.collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt_ttl', expireAfterSeconds: 0 });
  } catch {
    // no TTL support (FerretDB v1), or an equivalent index exists: the sweep covers both
  }
}

/** Deletes expired nonces, at most once a minute per process, on the launch path itself. */
export async function sweepExpiredNonces(now: Date): Promise<number> {
  if (now.getTime() - lastSweepAt < SWEEP_EVERY_MS && now.getTime() >= lastSweepAt) return 0;
  lastSweepAt = now.getTime();
  await tryTtlIndex();
  const result = await LtiNonceModel.deleteMany({ expiresAt: { $lt: now } });
  return result.deletedCount;
}

/** Seconds the sender's clock is ahead of ours (negative: behind); undefined when not a timestamp. */
export function timestampSkewSeconds(timestamp: string, now: Date): number | undefined {
  if (!/^\d{1,12}$/.test(timestamp)) return undefined;
  return Number(timestamp) - Math.floor(now.getTime() / 1000);
}

/**
 * Accepts a (consumer, nonce, timestamp) once: the timestamp must be within ±5 minutes of now
 * (stale and future both refused) and the nonce unused by this consumer.
 */
export async function claimNonce(consumerKey: string, nonce: string, timestamp: string, now: Date): Promise<NonceVerdict> {
  const skew = timestampSkewSeconds(timestamp, now);
  if (skew === undefined || !nonce) return 'timestamp-invalid';
  if (skew < -TIMESTAMP_WINDOW_SECONDS) return 'timestamp-stale';
  if (skew > TIMESTAMP_WINDOW_SECONDS) return 'timestamp-future';
  await sweepExpiredNonces(now);
  const expiresAt = new Date((Number(timestamp) + TIMESTAMP_WINDOW_SECONDS + 1) * 1000);
  try {
    await LtiNonceModel.create({ consumerKey, nonce, expiresAt });
    return 'accepted';
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return 'nonce-reused';
    throw error;
  }
}

type NonceCallback = (error: Error | null, isNew: boolean) => void;

/**
 * ims-lti's nonce-store interface over `claimNonce`, bound to one consumer and one launch.
 * ims-lti reduces every refusal to "Expired nonce", so the verdict is kept here for the reason code;
 * a database failure is kept apart so it is reported as an error, not as a refused launch.
 */
export class MongoNonceStore {
  verdict: NonceVerdict | undefined;
  failure: unknown;

  constructor(
    private readonly consumerKey: string,
    private readonly now: Date,
  ) {}

  isNonceStore(): boolean {
    return true;
  }

  isNew(nonce: unknown, timestamp: unknown, next: NonceCallback): void {
    claimNonce(this.consumerKey, String(nonce ?? ''), String(timestamp ?? ''), this.now).then(
      (verdict) => {
        this.verdict = verdict;
        next(verdict === 'accepted' ? null : new Error(verdict), verdict === 'accepted');
      },
      (error: unknown) => {
        this.failure = error;
        next(error as Error, false);
      },
    );
  }
}
