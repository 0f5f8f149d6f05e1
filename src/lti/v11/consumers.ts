import { randomBytes } from 'node:crypto';
import mongoose, { Schema, type Types } from 'mongoose';
import { z } from 'zod';
import type { SecretBox } from '../../keys';

/**
 * An LTI 1.1 tool consumer (an LMS installation) and the key/secret pair it signs launches with.
 * The secret is sealed with ENCRYPTION_KEY; it is shown once, when created, and never again.
 */
const consumerSchema = new Schema(
  {
    key: { type: String, required: true },
    name: { type: String, required: true },
    sealedSecret: { type: String, required: true },
    /** Origins allowed to frame Shixun after this consumer's launches (CSP frame-ancestors). */
    allowedOrigins: { type: [String], default: [] },
    createdAt: { type: Date, required: true },
    /** Set when an admin disables the consumer: its launches are refused and its outcomes not sent. */
    disabledAt: Date,
  },
  { collection: 'lti_consumers', strict: 'throw', versionKey: false },
);
consumerSchema.index({ key: 1 }, { unique: true });

export const LtiConsumerModel = mongoose.model('LtiConsumer', consumerSchema);

/** A consumer as pages and commands see it: never the secret, sealed or not. */
export interface LtiConsumer {
  _id: Types.ObjectId;
  key: string;
  name: string;
  allowedOrigins: string[];
  createdAt: Date;
  disabledAt?: Date;
}

const PUBLIC_FIELDS = { sealedSecret: 0 } as const;

/** Printable ASCII without spaces: LMSs paste it into a single-line field, and it names the identity provider. */
export const CONSUMER_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

const consumerInputSchema = z.object({
  key: z.string().trim().regex(CONSUMER_KEY_PATTERN),
  name: z.string().trim().min(1).max(100).optional(),
  /** Empty = generate one. At least 16 characters: the secret is all that proves a launch. */
  secret: z.string().min(16).max(200).optional(),
  allowedOrigins: z.array(z.string()).default([]),
});
export type ConsumerInput = z.input<typeof consumerInputSchema>;

export class ConsumerExistsError extends Error {
  constructor(readonly key: string) {
    super(`an LTI 1.1 consumer with key ${key} already exists`);
    this.name = 'ConsumerExistsError';
  }
}

/** `https://lms.example.edu/some/path` → `https://lms.example.edu`; anything not http(s) is refused. */
export function toOrigin(value: string): string {
  const url = new URL(value.trim());
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`not an http(s) origin: ${value}`);
  return url.origin;
}

/**
 * Registers a consumer. Returns the secret in clear this once (generated when none is given); a
 * key already registered is refused through the unique index, never overwritten.
 */
export async function createConsumer(secretBox: SecretBox, input: ConsumerInput, now = new Date()): Promise<{ consumer: LtiConsumer; secret: string }> {
  const parsed = consumerInputSchema.parse(input);
  const secret = parsed.secret ?? randomBytes(24).toString('base64url');
  const allowedOrigins = [...new Set(parsed.allowedOrigins.filter((origin) => origin.trim()).map(toOrigin))];
  try {
    const created = await LtiConsumerModel.create({ key: parsed.key, name: parsed.name ?? parsed.key, sealedSecret: secretBox.seal(secret), allowedOrigins, createdAt: now });
    const { sealedSecret: _sealed, ...consumer } = created.toObject() as LtiConsumer & { sealedSecret: string };
    return { consumer, secret };
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new ConsumerExistsError(parsed.key);
    throw error;
  }
}

export async function listConsumers(): Promise<LtiConsumer[]> {
  return LtiConsumerModel.find({}, PUBLIC_FIELDS).sort({ createdAt: 1 }).lean<LtiConsumer[]>();
}

export async function findConsumer(key: string): Promise<LtiConsumer | null> {
  return LtiConsumerModel.findOne({ key: String(key) }, PUBLIC_FIELDS).lean<LtiConsumer>();
}

/** The consumer with its secret opened, for verifying and signing; null when unknown. */
export async function consumerWithSecret(secretBox: SecretBox, key: string): Promise<(LtiConsumer & { secret: string }) | null> {
  const found = await LtiConsumerModel.findOne({ key: String(key) }).lean<LtiConsumer & { sealedSecret: string }>();
  if (!found) return null;
  const { sealedSecret, ...consumer } = found;
  return { ...consumer, secret: secretBox.open(sealedSecret) };
}

/** Disables (or enables again) a consumer; false when there is no such key. */
export async function setConsumerDisabled(key: string, disabled: boolean, now = new Date()): Promise<boolean> {
  const update = disabled ? { $set: { disabledAt: now } } : { $unset: { disabledAt: 1 } };
  const result = await LtiConsumerModel.updateOne({ key: String(key) }, update);
  return result.matchedCount === 1;
}

/** Every enabled consumer's allowed origins: the LMSs that may frame Shixun (CSP frame-ancestors). */
export async function consumerOrigins(): Promise<string[]> {
  const consumers = await LtiConsumerModel.find({ disabledAt: { $exists: false } }, { allowedOrigins: 1 }).lean<Pick<LtiConsumer, 'allowedOrigins'>[]>();
  return [...new Set(consumers.flatMap((consumer) => consumer.allowedOrigins))].sort();
}

/**
 * The origin a launch came from, as far as the consumer's registration vouches for it: the
 * origin of one of the launch's own URLs when it is registered, else the consumer's first
 * registered origin, else none (an unregistered origin is never trusted for framing).
 */
export function findConsumerOrigin(consumer: Pick<LtiConsumer, 'allowedOrigins'>, launchUrls: readonly (string | undefined)[]): string | undefined {
  for (const candidate of launchUrls) {
    if (!candidate) continue;
    try {
      const origin = toOrigin(candidate);
      if (consumer.allowedOrigins.includes(origin)) return origin;
    } catch {
      // not a URL: try the next one
    }
  }
  return consumer.allowedOrigins[0];
}
