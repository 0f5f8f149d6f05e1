import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A staff sign-in: a username and its argon2id hash, pointing at the `src/users` record whose
 * identity is (`local`, username). The unique username index makes creating an account
 * exactly-once even when two operators run `users add-staff` at the same moment.
 */
const staffCredentialSchema = new Schema(
  {
    username: { type: String, required: true },
    passwordHash: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    passwordChangedAt: { type: Date, required: true },
  },
  { collection: 'staff_credentials', strict: 'throw', versionKey: false },
);
staffCredentialSchema.index({ username: 1 }, { unique: true });

export const StaffCredentialModel = mongoose.model('StaffCredential', staffCredentialSchema);

export interface StaffCredential {
  username: string;
  passwordHash: string;
  userId: Types.ObjectId;
  createdAt: Date;
  passwordChangedAt: Date;
}
