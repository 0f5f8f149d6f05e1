import mongoose, { Schema } from 'mongoose';
import type { PolicyProfile } from './schema';

/**
 * Admin overrides of a profile's minimum hours (a district raising the yearly in-service hours,
 * say) without editing the YAML in the repository. The current value per (profile,
 * requirement) is one document keyed by `_id`; every change is also appended to a history, so
 * the audit trail shows who changed what, when and why.
 */
const overrideSchema = new Schema(
  {
    _id: { type: String, required: true },
    profileId: { type: String, required: true },
    requirementId: { type: String, required: true },
    minimumHours: { type: Number, required: true },
    setBy: { type: { id: String, name: String }, required: true, _id: false },
    setAt: { type: Date, required: true },
    reason: { type: String, required: true },
  },
  { collection: 'policy_overrides', strict: 'throw', versionKey: false },
);
const historySchema = new Schema(
  {
    profileId: { type: String, required: true },
    requirementId: { type: String, required: true },
    /** null when the override was removed and the profile's own value applies again. */
    minimumHours: { type: Number, default: null },
    setBy: { type: { id: String, name: String }, required: true, _id: false },
    setAt: { type: Date, required: true },
    reason: { type: String, required: true },
  },
  { collection: 'policy_override_history', strict: 'throw', versionKey: false },
);
historySchema.index({ profileId: 1, setAt: -1 });

export const PolicyOverrideModel = mongoose.model('PolicyOverride', overrideSchema);
export const PolicyOverrideHistoryModel = mongoose.model('PolicyOverrideHistory', historySchema);

export interface OverrideChange {
  requirementId: string;
  /** null removes the override. */
  minimumHours: number | null;
  reason: string;
  actor: { id: string; name: string };
  now: Date;
}

export interface OverrideHistoryRow {
  requirementId: string;
  minimumHours: number | null;
  setBy: { id: string; name: string };
  setAt: Date;
  reason: string;
}

export class PolicyOverrideError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PolicyOverrideError';
  }
}

const overrideId = (profileId: string, requirementId: string) => `${profileId}:${requirementId}`;

/** The profile as it applies now: the file's requirements with any admin overrides. */
export async function effectiveProfile(profile: PolicyProfile): Promise<PolicyProfile> {
  const overrides = await PolicyOverrideModel.find({ profileId: profile.id }).lean<{ requirementId: string; minimumHours: number }[]>();
  if (overrides.length === 0) return profile;
  const byRequirement = new Map(overrides.map((o) => [o.requirementId, o.minimumHours]));
  return {
    ...profile,
    requirements: profile.requirements.map((requirement) =>
      byRequirement.has(requirement.id) ? { ...requirement, minimumHours: byRequirement.get(requirement.id)! } : requirement,
    ),
  };
}

export async function setOverride(profile: PolicyProfile, change: OverrideChange): Promise<void> {
  const problems: string[] = [];
  const requirement = profile.requirements.find((r) => r.id === change.requirementId);
  if (!requirement) problems.push(`requirement "${change.requirementId}" is not in profile "${profile.id}"`);
  if (change.minimumHours !== null && !(Number.isFinite(change.minimumHours) && change.minimumHours > 0 && change.minimumHours <= 2000)) {
    problems.push('minimum hours must be more than 0 and at most 2000');
  }
  if (change.reason.trim().length === 0 || change.reason.length > 500) problems.push('a change needs a reason (at most 500 characters)');
  if (requirement?.kind === 'cycle' && change.minimumHours !== null) {
    const inside = Object.values(requirement.categoryMinimums).reduce((sum, value) => sum + (value ?? 0), 0);
    if (inside > change.minimumHours) problems.push(`the category minimums (${inside} h) exceed ${change.minimumHours} h`);
  }
  if (problems.length > 0) throw new PolicyOverrideError(problems);
  const setBy = { id: change.actor.id, name: change.actor.name };
  await PolicyOverrideHistoryModel.create({ profileId: profile.id, requirementId: change.requirementId, minimumHours: change.minimumHours, setBy, setAt: change.now, reason: change.reason.trim() });
  const _id = overrideId(profile.id, change.requirementId);
  if (change.minimumHours === null) {
    await PolicyOverrideModel.deleteOne({ _id });
  } else {
    await PolicyOverrideModel.replaceOne(
      { _id },
      { _id, profileId: profile.id, requirementId: change.requirementId, minimumHours: change.minimumHours, setBy, setAt: change.now, reason: change.reason.trim() },
      { upsert: true },
    );
  }
}

export async function overrideHistory(profileId: string, limit = 50): Promise<OverrideHistoryRow[]> {
  return PolicyOverrideHistoryModel.find({ profileId }, { _id: 0, requirementId: 1, minimumHours: 1, setBy: 1, setAt: 1, reason: 1 })
    .sort({ setAt: -1 })
    .limit(limit)
    .lean<OverrideHistoryRow[]>();
}
