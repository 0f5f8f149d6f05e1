import mongoose, { Schema } from 'mongoose';

/**
 * The tool's own signing keys. `generation` is unique, so two processes starting together (or
 * rotating together) cannot both create "the" current key: the loser's insert fails and it reads
 * the winner's.
 */
const signingKeySchema = new Schema(
  {
    kid: { type: String, required: true },
    generation: { type: Number, required: true },
    alg: { type: String, required: true, enum: ['RS256'] },
    publicJwk: { type: Schema.Types.Mixed, required: true },
    /** The private JWK as JSON, sealed with the SecretBox. */
    sealedPrivateJwk: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'signing_keys', strict: 'throw', versionKey: false },
);
signingKeySchema.index({ kid: 1 }, { unique: true });
signingKeySchema.index({ generation: 1 }, { unique: true });

export const SigningKeyModel = mongoose.model('SigningKey', signingKeySchema);
