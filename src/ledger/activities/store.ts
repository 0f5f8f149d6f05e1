import mongoose, { Schema, type Types } from 'mongoose';
import { CATEGORIES, type Category } from '../../courses';
import { TRAINING_MODES, type TrainingMode } from '..';
import { EVIDENCE_CONTENT_TYPES, type StoredEvidence } from './evidence';

/**
 * Two collections; neither document is ever updated (docs/data-layer.md rules 1, 2 and 4):
 *
 * - `offline_activities`: what happened, for whom, with what evidence, submitted by whom.
 *   `_id` is the `activityId`: a random UUID, or for activities created under a `key`
 *   (`import:<file sha256>:<row>` for imported rows, `submit:<actor>:<client key>` for a form
 *   sent twice) a UUID derived from the key, so a retry collides with the first activity
 *   instead of adding a second.
 * - `offline_activity_decisions`: at most one per activity (`_id` is the `activityId`), inserted
 *   once: that insert is what makes "approve" or "reject" happen once, however many registrars
 *   click at the same moment. No decision = pending.
 *
 * Point look-ups go by `_id` on purpose: FerretDB v1 with SQLite pushes an `_id` equality down to
 * the database and scans the whole collection for any other filter (measured: `filterPushdown`
 * is false even with an index), so every other query here is a batch, never one per row.
 */
const options = { _id: false, strict: 'throw', versionKey: false } as const;

export const ACTIVITY_ORIGINS = ['form', 'import'] as const;
export const DECISIONS = ['approved', 'rejected'] as const;
export type Decision = (typeof DECISIONS)[number];

const personSchema = new Schema({ id: { type: String, required: true }, name: { type: String, required: true } }, options);

const evidenceSchema = new Schema(
  {
    fileId: { type: String, required: true },
    originalName: { type: String, required: true },
    contentType: { type: String, enum: EVIDENCE_CONTENT_TYPES, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
  },
  options,
);

const originSchema = new Schema(
  {
    kind: { type: String, enum: ACTIVITY_ORIGINS, required: true },
    /** For imports: the file's sha256, its name and the row's line number in it. */
    checksum: String,
    fileName: String,
    row: Number,
  },
  options,
);

const activitySchema = new Schema(
  {
    _id: { type: String, required: true },
    activityId: { type: String, required: true },
    key: String,
    title: { type: String, required: true },
    trainingMode: { type: String, enum: TRAINING_MODES, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    hours: { type: Number, required: true },
    occurredAt: { type: Date, required: true },
    teacherIds: { type: [Schema.Types.ObjectId], required: true },
    /** The teachers' schools when the activity was recorded ('' for a teacher without one): its scope. */
    schoolCodes: { type: [String], required: true },
    evidence: { type: [evidenceSchema], default: [] },
    notes: String,
    origin: { type: originSchema, required: true },
    submittedBy: { type: personSchema, required: true },
    submittedAt: { type: Date, required: true },
  },
  { collection: 'offline_activities', strict: 'throw', versionKey: false },
);
activitySchema.index({ activityId: 1 }, { unique: true });
// Sparse, not partial: FerretDB v1 refuses partialFilterExpression.
activitySchema.index({ key: 1 }, { unique: true, sparse: true });
activitySchema.index({ submittedAt: -1 });
activitySchema.index({ 'origin.checksum': 1 });

const decisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    activityId: { type: String, required: true },
    decision: { type: String, enum: DECISIONS, required: true },
    by: { type: personSchema, required: true },
    at: { type: Date, required: true },
    /** Why an activity was rejected (required for rejections, absent for approvals). */
    reason: String,
    /** `review`: a registrar approved or rejected a submitted activity; `import`: the import was the approval. */
    via: { type: String, enum: ['review', 'import'], required: true },
    /** For imports: the sha256 of the file whose commit approved the row. */
    checksum: String,
  },
  { collection: 'offline_activity_decisions', strict: 'throw', versionKey: false },
);
decisionSchema.index({ activityId: 1 }, { unique: true });
decisionSchema.index({ decision: 1, at: 1 });

/*
 * Both collections keep records, not state: updates, replacements and deletes through mongoose
 * are refused. (A correction of credited hours is a ledger reversal; a wrong pending activity is
 * rejected with a reason and recorded again.)
 */
const WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
for (const schema of [activitySchema, decisionSchema]) {
  for (const operation of WRITES) {
    schema.pre(operation, { query: true, document: false }, () => {
      throw new Error(`offline activities and their decisions are never changed: ${operation} is refused`);
    });
  }
  schema.pre('save', function (this: mongoose.Document) {
    if (!this.isNew) throw new Error('offline activities and their decisions are never changed: save() of an existing record is refused');
  });
}

export const OfflineActivityModel = mongoose.model('OfflineActivity', activitySchema);
export const ActivityDecisionModel = mongoose.model('OfflineActivityDecision', decisionSchema);

export interface Person {
  id: string;
  name: string;
}

export interface OfflineActivity {
  activityId: string;
  key?: string;
  title: string;
  trainingMode: TrainingMode;
  category: Category;
  hours: number;
  occurredAt: Date;
  teacherIds: Types.ObjectId[];
  schoolCodes: string[];
  evidence: StoredEvidence[];
  notes?: string;
  origin: { kind: (typeof ACTIVITY_ORIGINS)[number]; checksum?: string; fileName?: string; row?: number };
  submittedBy: Person;
  submittedAt: Date;
}

export interface ActivityDecision {
  activityId: string;
  decision: Decision;
  by: Person;
  at: Date;
  reason?: string;
  via: 'review' | 'import';
  checksum?: string;
}

/** Reads leave out mongoose's `_id`: an activity is named by its `activityId`. */
export const NO_ID = { _id: 0 } as const;
