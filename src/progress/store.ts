import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A learner's study record for one version of one module. Lessons are keyed by lesson id so
 * every change is a single-document atomic update ($min keeps the first time, whatever races).
 */
const moduleProgressSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: String, required: true },
    moduleVersion: { type: Number, required: true },
    lessons: { type: Schema.Types.Mixed, default: {} },
    lastLessonId: String,
    startedAt: { type: Date, required: true },
    lastActivityAt: { type: Date, required: true },
  },
  { collection: 'module_progress', strict: 'throw', versionKey: false, minimize: false },
);
moduleProgressSchema.index({ userId: 1, moduleId: 1, moduleVersion: 1 }, { unique: true });

export const ModuleProgressModel = mongoose.model('ModuleProgress', moduleProgressSchema);

export interface LessonStudy {
  openedAt: Date;
  studiedAt?: Date;
}

export interface ModuleProgress {
  userId: Types.ObjectId;
  moduleId: string;
  moduleVersion: number;
  lessons: Record<string, LessonStudy>;
  lastLessonId?: string;
  startedAt: Date;
  lastActivityAt: Date;
}
