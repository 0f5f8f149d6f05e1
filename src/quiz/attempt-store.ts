import mongoose, { Schema, type Types } from 'mongoose';
import type { Draw } from './draw';
import type { AttemptGrade } from './grade';
import type { TimeAccommodation } from './policy';
import type { ItemResponse } from './response';

/**
 * An attempt is created once (unique per learner, module version and sequence number, so two
 * concurrent "start" requests cannot open two) and holds its draw, so review is reproducible.
 * Its result is a separate document inserted once under the attempt id: that insert, not an
 * update of the attempt, is what makes "submitting twice grades once" hold on FerretDB v1.
 */
const attemptSchema = new Schema(
  {
    attemptId: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: String, required: true },
    moduleVersion: { type: Number, required: true },
    /** 1, 2, 3… over all of the learner's attempts at this module version. */
    sequence: { type: Number, required: true },
    draw: { type: Schema.Types.Mixed, required: true },
    startedAt: { type: Date, required: true },
    deadline: Date,
    /** Item key → the response saved for it and when; written as the learner goes. */
    responses: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'quiz_attempts', strict: 'throw', versionKey: false, minimize: false },
);
attemptSchema.index({ attemptId: 1 }, { unique: true });
attemptSchema.index({ userId: 1, moduleId: 1, moduleVersion: 1, sequence: 1 }, { unique: true });
attemptSchema.index({ moduleId: 1, startedAt: 1 });

const attemptResultSchema = new Schema(
  {
    attemptId: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: String, required: true },
    moduleVersion: { type: Number, required: true },
    submittedAt: { type: Date, required: true },
    late: { type: Boolean, required: true },
    grade: { type: Schema.Types.Mixed, required: true },
    /** The responses that were graded, frozen with the grade. */
    responses: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'quiz_attempt_results', strict: 'throw', versionKey: false, minimize: false },
);
attemptResultSchema.index({ attemptId: 1 }, { unique: true });
attemptResultSchema.index({ moduleId: 1, submittedAt: 1 });

/** Staff-set time adjustments for one learner (all modules when moduleId is absent). */
const accommodationSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    scope: { type: String, required: true },
    untimed: Boolean,
    multiplier: Number,
    extraMinutes: Number,
    setBy: { type: String, required: true },
    setAt: { type: Date, required: true },
  },
  { collection: 'quiz_accommodations', strict: 'throw', versionKey: false },
);
accommodationSchema.index({ userId: 1, scope: 1 }, { unique: true });

export const AttemptModel = mongoose.model('QuizAttempt', attemptSchema);
export const AttemptResultModel = mongoose.model('QuizAttemptResult', attemptResultSchema);
export const AccommodationModel = mongoose.model('QuizAccommodation', accommodationSchema);

export interface SavedResponse {
  response: ItemResponse | null;
  savedAt: Date;
}

export interface StoredAttempt {
  attemptId: string;
  userId: Types.ObjectId;
  moduleId: string;
  moduleVersion: number;
  sequence: number;
  draw: Draw;
  startedAt: Date;
  deadline?: Date;
  responses: Record<string, SavedResponse>;
}

export interface StoredResult {
  attemptId: string;
  userId: Types.ObjectId;
  moduleId: string;
  moduleVersion: number;
  submittedAt: Date;
  late: boolean;
  grade: AttemptGrade;
  responses: Record<string, ItemResponse>;
}

export interface StoredAccommodation extends TimeAccommodation {
  userId: Types.ObjectId;
  /** A module id, or `*` for every module. */
  scope: string;
}
