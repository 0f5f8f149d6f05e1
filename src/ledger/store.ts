import mongoose, { Schema } from 'mongoose';
import { CATEGORIES } from '../courses';
import { LedgerAppendOnlyError } from './errors';
import { computeEntryHash } from './hash';
import { RECORDER_KINDS, SOURCE_KINDS, TRAINING_MODES } from './schema';

/**
 * `ledger_entries`: append-only. Exactly-once comes from inserting under unique indexes, the one
 * primitive FerretDB v1 keeps under concurrency (docs/data-layer.md):
 * - `idempotencyKey`: one entry per credited thing (`completion:<id>`, `reversal:<entryId>`…);
 * - (`teacher`, `sequence`): one entry per place in a teacher's chain, so two concurrent appends
 *   cannot both take sequence n+1 with the same `prevHash`;
 * - `reversalOf` (sparse: only reversals have it): an entry is reversed at most once.
 * The shape is `ledgerEntrySchema` in schema.ts; this model repeats it for mongoose's casting.
 */
const options = { _id: false, strict: 'throw', versionKey: false } as const;

const teacherSnapshotSchema = new Schema(
  { displayName: { type: String, required: true }, schoolCode: String },
  options,
);
const sourceSchema = new Schema(
  {
    kind: { type: String, enum: SOURCE_KINDS, required: true },
    moduleId: String,
    moduleVersion: Number,
    attemptId: String,
    completionId: String,
    activityId: String,
  },
  options,
);
const assessmentSchema = new Schema(
  { passed: { type: Boolean, required: true }, scorePercent: { type: Number, required: true } },
  options,
);
const recordedBySchema = new Schema(
  { kind: { type: String, enum: RECORDER_KINDS, required: true }, id: String, name: { type: String, required: true } },
  options,
);

const entryModelSchema = new Schema(
  {
    entryId: { type: String, required: true },
    teacher: { type: Schema.Types.ObjectId, required: true },
    teacherSnapshot: { type: teacherSnapshotSchema, required: true },
    source: { type: sourceSchema, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    trainingMode: { type: String, enum: TRAINING_MODES },
    hours: { type: Number, required: true },
    trainingYear: { type: Number, required: true },
    occurredAt: { type: Date, required: true },
    assessment: assessmentSchema,
    creditRule: { type: String, required: true },
    recordedBy: { type: recordedBySchema, required: true },
    recordedAt: { type: Date, required: true },
    idempotencyKey: { type: String, required: true },
    reversalOf: String,
    reason: String,
    sequence: { type: Number, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'ledger_entries', strict: 'throw', versionKey: false },
);
entryModelSchema.index({ entryId: 1 }, { unique: true });
entryModelSchema.index({ idempotencyKey: 1 }, { unique: true });
entryModelSchema.index({ teacher: 1, sequence: 1 }, { unique: true });
// Sparse, not partial: FerretDB v1 refuses partialFilterExpression, and only reversals have the field.
entryModelSchema.index({ reversalOf: 1 }, { unique: true, sparse: true });
entryModelSchema.index({ trainingYear: 1, category: 1 });
entryModelSchema.index({ 'teacherSnapshot.schoolCode': 1, trainingYear: 1 });

/*
 * Append-only, enforced here so no caller can forget: every update, replace and delete path
 * throws before anything reaches the database. The guards carry mongoose's built-in-middleware
 * mark so that `{ middleware: false }` (which skips user middleware) cannot skip them. Writes
 * through the raw driver (`Model.collection`, `connection.collection`) are outside mongoose;
 * `verifyLedger` finds what they changed.
 */
const BUILT_IN = Symbol.for('mongoose:built-in-middleware');
function guard<T extends (...args: never[]) => unknown>(fn: T): T {
  (fn as unknown as Record<symbol, boolean>)[BUILT_IN] = true;
  return fn;
}
const refuse = (operation: string): never => {
  throw new LedgerAppendOnlyError(`ledger entries are append-only: ${operation} is refused; correct an entry with a reversal and a new entry`);
};

const QUERY_WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
] as const;
for (const operation of QUERY_WRITES) {
  entryModelSchema.pre(operation, { query: true, document: false }, guard(() => refuse(operation)));
}
// `doc.updateOne()` and `doc.deleteOne()` are document middleware too.
entryModelSchema.pre('updateOne', { document: true, query: false }, guard(() => refuse('updateOne')));
entryModelSchema.pre('deleteOne', { document: true, query: false }, guard(() => refuse('deleteOne')));

/** A new entry must arrive with the hash of its own content (only `appendEntry` computes it). */
function assertHashed(entry: Record<string, unknown>): void {
  const prevHash = typeof entry.prevHash === 'string' ? entry.prevHash : '';
  if (entry.hash !== computeEntryHash(entry, prevHash)) {
    throw new LedgerAppendOnlyError('a ledger entry is written only through appendEntry (its hash does not match its content)');
  }
}

entryModelSchema.pre(
  'save',
  guard(function (this: mongoose.Document) {
    if (!this.isNew) refuse('save() of an existing entry');
    assertHashed(this.toObject());
  }),
);
entryModelSchema.pre(
  'insertMany',
  guard(() => refuse('insertMany')),
);
entryModelSchema.pre(
  'bulkWrite',
  guard((ops: unknown) => {
    for (const op of Array.isArray(ops) ? (ops as Record<string, unknown>[]) : []) {
      const [name] = Object.keys(op);
      if (name !== 'insertOne') refuse(`bulkWrite ${name ?? 'operation'}`);
      const document = (op.insertOne as { document?: unknown } | undefined)?.document;
      const plain = document instanceof mongoose.Document ? document.toObject() : document;
      assertHashed((plain ?? {}) as Record<string, unknown>);
    }
  }),
);

export const LedgerEntryModel = mongoose.model('LedgerEntry', entryModelSchema);
