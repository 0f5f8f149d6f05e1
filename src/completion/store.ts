import mongoose, { Schema, type Types } from 'mongoose';
import { CATEGORIES, TRACKS, type Category, type Track } from '../courses';

/**
 * A completion is created by inserting under a unique idempotency key: on FerretDB v1 that is the
 * only write that stays "exactly once" under concurrent requests (docs/data-layer.md).
 * Completions are never edited; the ledger and certificates copy what they need.
 */
const completionSchema = new Schema(
  {
    idempotencyKey: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: String, required: true },
    moduleVersion: { type: Number, required: true },
    track: { type: String, enum: TRACKS, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    creditHours: { type: Number, required: true },
    /** The passed attempt that decided it; absent for modules without an assessment. */
    attemptId: String,
    scorePercent: Number,
    completedAt: { type: Date, required: true },
    /** When recertification is due; absent when the module never expires. */
    validUntil: Date,
  },
  { collection: 'completions', strict: 'throw', versionKey: false },
);
completionSchema.index({ idempotencyKey: 1 }, { unique: true });
completionSchema.index({ userId: 1, moduleId: 1, completedAt: -1 });

export const CompletionModel = mongoose.model('Completion', completionSchema);

export interface Completion {
  _id: Types.ObjectId;
  idempotencyKey: string;
  userId: Types.ObjectId;
  moduleId: string;
  moduleVersion: number;
  track: Track;
  category: Category;
  creditHours: number;
  attemptId?: string;
  scorePercent?: number;
  completedAt: Date;
  validUntil?: Date;
}
