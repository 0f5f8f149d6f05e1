import mongoose, { Schema } from 'mongoose';

/**
 * Every save of a draft is a new document here: the newest revision is the draft. The unique
 * (draftId, revision) index makes the loser of two concurrent saves fail with a duplicate key,
 * which is how conflicts are detected on FerretDB, where updates of one document are not isolated.
 */
const draftRevisionSchema = new Schema(
  {
    draftId: { type: String, required: true },
    revision: { type: Number, required: true },
    owners: { type: [String], required: true },
    editors: { type: [String], default: [] },
    manifest: { type: Schema.Types.Mixed, required: true },
    lessons: { type: [Schema.Types.Mixed], default: [] },
    bank: Schema.Types.Mixed,
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
    updatedByName: { type: String, required: true },
  },
  { collection: 'module_drafts', strict: 'throw', versionKey: false, minimize: false },
);
draftRevisionSchema.index({ draftId: 1, revision: 1 }, { unique: true });

/** Who changed what and when; insert-only. */
const auditSchema = new Schema(
  {
    draftId: { type: String, required: true },
    at: { type: Date, required: true },
    userId: { type: String, required: true },
    userName: { type: String, required: true },
    action: { type: String, enum: ['create', 'save', 'publish', 'upload'], required: true },
    revision: Number,
    version: Number,
    /** What changed, as paths a trainer recognises: `manifest.title`, `lesson intro`, `item q-3`. */
    changes: { type: [String], default: [] },
  },
  { collection: 'authoring_audit', strict: 'throw', versionKey: false },
);
auditSchema.index({ draftId: 1, at: -1 });

/** Uploaded images, by random name. Small enough to live in the database with the content they illustrate. */
const assetSchema = new Schema(
  {
    name: { type: String, required: true },
    draftId: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    data: { type: Buffer, required: true },
    uploadedAt: { type: Date, required: true },
    uploadedBy: { type: String, required: true },
  },
  { collection: 'authoring_assets', strict: 'throw', versionKey: false },
);
assetSchema.index({ name: 1 }, { unique: true });

export const DraftRevisionModel = mongoose.model('DraftRevision', draftRevisionSchema);
export const AuthoringAuditModel = mongoose.model('AuthoringAudit', auditSchema);
export const AuthoringAssetModel = mongoose.model('AuthoringAsset', assetSchema);

export interface AuditEntry {
  draftId: string;
  at: Date;
  userId: string;
  userName: string;
  action: 'create' | 'save' | 'publish' | 'upload';
  revision?: number;
  version?: number;
  changes: string[];
}
