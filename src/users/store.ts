import mongoose, { Schema, type Types } from 'mongoose';

export const ROLES = ['learner', 'trainer', 'registrar', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const HOMEROOM_TIERS = ['new', 'inservice', 'backbone'] as const;
export type HomeroomTier = (typeof HOMEROOM_TIERS)[number];

const schoolSchema = new Schema(
  {
    code: { type: String, required: true },
    name: { type: String, required: true },
    district: String,
  },
  { collection: 'schools', strict: 'throw', versionKey: false },
);
schoolSchema.index({ code: 1 }, { unique: true });

/**
 * One person, however they arrive. An identity is (provider, subject): "dev" sign-in now, LMS
 * platforms and staff logins later, so the same teacher keeps one record and one set of hours.
 */
const userSchema = new Schema(
  {
    provider: { type: String, required: true },
    subject: { type: String, required: true },
    displayName: { type: String, required: true },
    email: String,
    schoolCode: String,
    roles: { type: [String], enum: ROLES, required: true },
    /** Registrars see only these schools; admins see all. */
    scopeSchoolCodes: { type: [String], default: undefined },
    /** The homeroom tier a teacher is in, which decides the hour requirements that apply. */
    homeroomTier: { type: String, enum: HOMEROOM_TIERS },
    /** When a new homeroom teacher takes up the post: the due date of pre-service hours. */
    postStartDate: Date,
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { collection: 'users', strict: 'throw', versionKey: false },
);
userSchema.index({ provider: 1, subject: 1 }, { unique: true });

export const SchoolModel = mongoose.model('School', schoolSchema);
export const UserModel = mongoose.model('User', userSchema);

export interface School {
  code: string;
  name: string;
  district?: string;
}

export interface User {
  _id: Types.ObjectId;
  provider: string;
  subject: string;
  displayName: string;
  email?: string;
  schoolCode?: string;
  roles: Role[];
  scopeSchoolCodes?: string[];
  homeroomTier?: HomeroomTier;
  postStartDate?: Date;
}
