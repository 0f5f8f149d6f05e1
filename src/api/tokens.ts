import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import mongoose, { Schema, type Types } from 'mongoose';

/**
 * API tokens for district systems. The secret is shown once, at creation; only its SHA-256 is
 * stored (a leaked database does not leak usable tokens). Format: `sxn_<tokenId>_<secret>`.
 */
const apiTokenSchema = new Schema(
  {
    tokenId: { type: String, required: true },
    secretHash: { type: String, required: true },
    name: { type: String, required: true },
    ownerId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: Date,
    revokedAt: Date,
  },
  { collection: 'api_tokens', strict: 'throw', versionKey: false },
);
apiTokenSchema.index({ tokenId: 1 }, { unique: true });

export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);

export interface ApiToken {
  tokenId: string;
  name: string;
  ownerId: Types.ObjectId;
  createdAt: Date;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

const TOKEN_PATTERN = /^sxn_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

/** Returns the token's metadata and, once only, the full token string to hand to its user. */
export async function createApiToken(ownerId: Types.ObjectId, name: string, now = new Date()): Promise<{ token: string; record: ApiToken }> {
  const tokenId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const record = { tokenId, secretHash: hashOf(secret).toString('hex'), name, ownerId, createdAt: now };
  await ApiTokenModel.create(record);
  return { token: `sxn_${tokenId}_${secret}`, record: { tokenId, name, ownerId, createdAt: now } };
}

/** The owner of a valid, unrevoked token, or undefined; compares in constant time. */
export async function authenticateApiToken(token: string, now = new Date()): Promise<Types.ObjectId | undefined> {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  const [, tokenId, secret] = match;
  const stored = await ApiTokenModel.findOne({ tokenId }).lean<ApiToken & { secretHash: string }>();
  if (!stored || stored.revokedAt) return undefined;
  const expected = Buffer.from(stored.secretHash, 'hex');
  if (!timingSafeEqual(expected, hashOf(secret!))) return undefined;
  await ApiTokenModel.updateOne({ tokenId }, { $set: { lastUsedAt: now } });
  return stored.ownerId;
}

export async function revokeApiToken(tokenId: string, now = new Date()): Promise<boolean> {
  const result = await ApiTokenModel.updateOne({ tokenId, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
  return result.modifiedCount === 1;
}

export async function listApiTokens(ownerId?: Types.ObjectId): Promise<ApiToken[]> {
  return ApiTokenModel.find(ownerId ? { ownerId } : {}, { secretHash: 0, _id: 0 }).sort({ createdAt: -1 }).lean<ApiToken[]>();
}
