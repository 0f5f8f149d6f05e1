import mongoose, { Schema, type Types } from 'mongoose';
import type { AgsOutcomeTarget, Lti11OutcomeTarget } from '../launch';

export const PASSBACK_STATES = ['pending', 'sent', 'gave-up'] as const;
export type PassbackState = (typeof PASSBACK_STATES)[number];

/**
 * A passback job: one score of one completion for one gradebook (outcome target). Created by
 * insert under the unique `key`, so a completion reaches each gradebook at most once however
 * often its listener, the start-up catch-up or a launch enqueue it. `state`, `tries`, `nextTryAt`
 * and `lastAnswer` are written only by the worker that claimed the try they describe (or by an
 * admin's retry), never as a guard: the guard is the try's own insert (`PassbackTryModel`).
 */
const passbackJobSchema = new Schema(
  {
    key: { type: String, required: true },
    completionId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    moduleId: { type: String, required: true },
    moduleVersion: { type: Number, required: true },
    /** The identity provider of the placement (`lti11:<key>` / `lti13:<issuer>|<client>`). */
    provider: { type: String, required: true },
    /** The LMS user id on that platform: the AGS score's `userId`. */
    subject: { type: String, required: true },
    target: { type: Schema.Types.Mixed, required: true },
    /** Percent (0–100) as the completion recorded it; 100 for a module without an assessment. */
    scorePercent: { type: Number, required: true },
    completedAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    state: { type: String, enum: PASSBACK_STATES, required: true },
    tries: { type: Number, required: true },
    /** Tries allowed before giving up; an admin's retry raises it. */
    maxTries: { type: Number, required: true },
    nextTryAt: { type: Date, required: true },
    sentAt: Date,
    lastAnswer: {
      status: Number,
      stage: String,
      body: String,
      error: String,
      at: Date,
    },
  },
  { collection: 'lti_passbacks', strict: 'throw', versionKey: false },
);
passbackJobSchema.index({ key: 1 }, { unique: true });
passbackJobSchema.index({ state: 1, nextTryAt: 1 });

/**
 * One try of a job. Inserting `(jobId, number)` claims the try: of two workers that picked the same
 * job, only the one whose insert succeeds sends, so a score is never sent twice at once.
 */
const passbackTrySchema = new Schema(
  {
    jobId: { type: Schema.Types.ObjectId, required: true },
    number: { type: Number, required: true },
    startedAt: { type: Date, required: true },
    finishedAt: Date,
    ok: Boolean,
    /** The LMS's HTTP status (0: no answer), the stage that answered, and the start of its body. */
    status: Number,
    stage: String,
    body: String,
    error: String,
  },
  { collection: 'lti_passback_tries', strict: 'throw', versionKey: false },
);
passbackTrySchema.index({ jobId: 1, number: 1 }, { unique: true });

export const PassbackJobModel = mongoose.model('LtiPassbackJob', passbackJobSchema);
export const PassbackTryModel = mongoose.model('LtiPassbackTry', passbackTrySchema);

export interface LmsAnswer {
  status?: number;
  stage?: string;
  body?: string;
  error?: string;
  at?: Date;
}

export interface PassbackJob {
  _id: Types.ObjectId;
  key: string;
  completionId: Types.ObjectId;
  userId: Types.ObjectId;
  moduleId: string;
  moduleVersion: number;
  provider: string;
  subject: string;
  target: Lti11OutcomeTarget | AgsOutcomeTarget;
  scorePercent: number;
  completedAt: Date;
  createdAt: Date;
  state: PassbackState;
  tries: number;
  maxTries: number;
  nextTryAt: Date;
  sentAt?: Date;
  lastAnswer?: LmsAnswer;
}

export interface PassbackTry {
  _id: Types.ObjectId;
  jobId: Types.ObjectId;
  number: number;
  startedAt: Date;
  finishedAt?: Date;
  ok?: boolean;
  status?: number;
  stage?: string;
  body?: string;
  error?: string;
}
