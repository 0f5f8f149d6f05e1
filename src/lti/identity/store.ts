import mongoose, { Schema, type Types } from 'mongoose';

/**
 * An LMS identity that resolves to a user other than the one created under it: today only the
 * LTI 1.3 identity of a teacher whose school moved from 1.1 (lti1p1 migration claim). Written once
 * by insert under the unique (provider, subject) index, never updated, so two first launches at
 * the same moment agree on one user.
 */
const identityLinkSchema = new Schema(
  {
    provider: { type: String, required: true },
    subject: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    /** Why the identity points at this user: the 1.1 identity it was migrated from. */
    migratedFrom: { provider: { type: String, required: true }, subject: { type: String, required: true } },
    linkedAt: { type: Date, required: true },
  },
  { collection: 'lti_identity_links', strict: 'throw', versionKey: false },
);
identityLinkSchema.index({ provider: 1, subject: 1 }, { unique: true });

export const IdentityLinkModel = mongoose.model('LtiIdentityLink', identityLinkSchema);

export interface IdentityLink {
  _id: Types.ObjectId;
  provider: string;
  subject: string;
  userId: Types.ObjectId;
  migratedFrom: { provider: string; subject: string };
  linkedAt: Date;
}
