import mongoose, { Schema, type Types } from 'mongoose';

/**
 * What an LMS admin needs when "the launch doesn't work": each launch and passback, accepted or
 * refused, with the reason and the evidence (OAuth base string, decoded claims, clock skew, the
 * LMS's HTTP answer). Secrets, signatures and tokens must never be put in `details`.
 */
const ltiEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    kind: { type: String, required: true, enum: ['launch', 'login', 'passback', 'deep-linking', 'roster'] },
    version: { type: String, enum: ['1.1', '1.3'] },
    outcome: { type: String, required: true, enum: ['accepted', 'refused', 'failed'] },
    /** A stable, short code (e.g. `bad-signature`, `nonce-reused`, `http-500`) that the page translates. */
    reason: String,
    /** Who sent it: consumer key or issuer/client id. */
    source: String,
    details: { type: Schema.Types.Mixed },
  },
  { collection: 'lti_events', strict: 'throw', versionKey: false },
);
ltiEventSchema.index({ at: -1 });

export const LtiEventModel = mongoose.model('LtiEvent', ltiEventSchema);

export interface LtiEvent {
  _id: Types.ObjectId;
  at: Date;
  kind: 'launch' | 'login' | 'passback' | 'deep-linking' | 'roster';
  version?: '1.1' | '1.3';
  outcome: 'accepted' | 'refused' | 'failed';
  reason?: string;
  source?: string;
  details?: Record<string, unknown>;
}

export type NewLtiEvent = Omit<LtiEvent, '_id' | 'at'> & { at?: Date };

const SECRET_FIELD = /secret|signature|token|password|assertion|private/i;

/** Drops any field whose name suggests a secret, however deep, so a careless caller cannot leak one. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !SECRET_FIELD.test(key)).map(([key, inner]) => [key, withoutSecrets(inner)]));
  }
  return value;
}

export async function recordLtiEvent(event: NewLtiEvent): Promise<void> {
  await LtiEventModel.create({ ...event, at: event.at ?? new Date(), details: event.details ? withoutSecrets(event.details) : undefined });
}

export async function recentLtiEvents(filter: { kind?: LtiEvent['kind']; outcome?: LtiEvent['outcome'] } = {}, limit = 100): Promise<LtiEvent[]> {
  return LtiEventModel.find(filter).sort({ at: -1 }).limit(limit).lean<LtiEvent[]>();
}
