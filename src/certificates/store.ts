import mongoose, { Schema } from 'mongoose';
import { CATEGORIES } from '../courses';
import { REVOCATION_REASONS } from './types';

const text = { type: Schema.Types.Mixed, required: true } as const;

/**
 * Certificates are inserted once and never edited: every "exactly once" here is a unique index
 * hit by an insert (FerretDB v1 has no transactions, docs/data-layer.md). `issueKey` makes issuing
 * idempotent, `supersedes` (sparse) lets a certificate be replaced by one successor only.
 */
const certificateSchema = new Schema(
  {
    number: { type: String, required: true },
    verificationCode: { type: String, required: true },
    issueKey: { type: String, required: true },
    kind: { type: String, enum: ['module', 'programme'], required: true },
    holder: {
      userId: { type: Schema.Types.ObjectId, required: true },
      name: { type: String, required: true },
      schoolCode: String,
      schoolName: String,
    },
    title: text,
    description: Schema.Types.Mixed,
    moduleId: String,
    moduleVersion: Number,
    programmeId: String,
    completionId: String,
    hours: { type: Number, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    completedAt: { type: Date, required: true },
    activityStartedAt: Date,
    issuer: { name: { type: String, required: true }, prefix: { type: String, required: true } },
    ledgerEntryIds: { type: [String], default: [] },
    issuedAt: { type: Date, required: true },
    supersedes: String,
  },
  { collection: 'certificates', strict: 'throw', versionKey: false },
);
certificateSchema.index({ number: 1 }, { unique: true });
certificateSchema.index({ verificationCode: 1 }, { unique: true });
certificateSchema.index({ issueKey: 1 }, { unique: true });
certificateSchema.index({ supersedes: 1 }, { unique: true, sparse: true });
certificateSchema.index({ 'holder.userId': 1, issuedAt: -1 });

/** A revocation is its own record; the unique index revokes a certificate at most once. */
const revocationSchema = new Schema(
  {
    certificateId: { type: Schema.Types.ObjectId, required: true },
    number: { type: String, required: true },
    reasonCategory: { type: String, enum: REVOCATION_REASONS, required: true },
    note: String,
    revokedBy: { userId: String, name: { type: String, required: true } },
    revokedAt: { type: Date, required: true },
  },
  { collection: 'certificate_revocations', strict: 'throw', versionKey: false },
);
revocationSchema.index({ certificateId: 1 }, { unique: true });

const programmeSchema = new Schema(
  {
    programmeId: { type: String, required: true },
    title: text,
    description: Schema.Types.Mixed,
    category: { type: String, enum: CATEGORIES, required: true },
    moduleIds: { type: [String], required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'programmes', strict: 'throw', versionKey: false },
);
programmeSchema.index({ programmeId: 1 }, { unique: true });

export const CertificateModel = mongoose.model('Certificate', certificateSchema);
export const RevocationModel = mongoose.model('CertificateRevocation', revocationSchema);
export const ProgrammeModel = mongoose.model('Programme', programmeSchema);
