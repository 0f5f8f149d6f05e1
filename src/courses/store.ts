import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { CATEGORIES, TRACKS, type AssessmentPolicy, type LocalizedText, type QuestionItem } from './schema';

/**
 * Published module and bank versions. A version, once stored, is never edited: learners who
 * started it keep studying exactly what they started.
 */
const localized = { type: Schema.Types.Mixed, required: true } as const;

const lessonSchema = new Schema(
  {
    id: { type: String, required: true },
    title: { type: String, required: true },
    titleEn: String,
    minutes: { type: Number, required: true },
    markdown: { type: String, required: true },
    html: { type: String, required: true },
  },
  { _id: false },
);

const moduleVersionSchema = new Schema(
  {
    moduleId: { type: String, required: true },
    version: { type: Number, required: true },
    contentHash: { type: String, required: true },
    title: localized,
    summary: Schema.Types.Mixed,
    track: { type: String, enum: TRACKS, required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    creditHours: { type: Number, required: true },
    minSecondsPerLesson: { type: Number, default: 0 },
    assessment: Schema.Types.Mixed,
    lessons: { type: [lessonSchema], required: true },
    publishedAt: { type: Date, required: true },
  },
  { collection: 'module_versions', strict: 'throw', versionKey: false },
);
moduleVersionSchema.index({ moduleId: 1, version: 1 }, { unique: true });

const bankVersionSchema = new Schema(
  {
    bankId: { type: String, required: true },
    version: { type: Number, required: true },
    contentHash: { type: String, required: true },
    track: { type: String, enum: TRACKS, required: true },
    title: localized,
    items: { type: [Schema.Types.Mixed], required: true },
    publishedAt: { type: Date, required: true },
  },
  { collection: 'bank_versions', strict: 'throw', versionKey: false },
);
bankVersionSchema.index({ bankId: 1, version: 1 }, { unique: true });

export const ModuleVersionModel = mongoose.model('ModuleVersion', moduleVersionSchema);
export const BankVersionModel = mongoose.model('BankVersion', bankVersionSchema);

type StoredModule = InferSchemaType<typeof moduleVersionSchema>;

/** What pages and later steps read: a plain object, never a live mongoose document. */
export interface ModuleVersion extends Omit<StoredModule, 'title' | 'summary' | 'assessment'> {
  title: LocalizedText;
  summary?: LocalizedText;
  assessment?: AssessmentPolicy;
}
export type Lesson = ModuleVersion['lessons'][number];

export interface BankVersion {
  bankId: string;
  version: number;
  track: string;
  title: LocalizedText;
  items: QuestionItem[];
}
