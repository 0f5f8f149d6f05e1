import { z } from 'zod';
import { findUserById, upsertUserFromIdentity, type User } from '../users';
import { generatePassword, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, spendVerificationTime, verifyPassword } from './passwords';
import { StaffCredentialModel, type StaffCredential } from './store';

/** The identity provider of staff accounts; the subject is the (lower-cased) username. */
export const STAFF_PROVIDER = 'local';

export const STAFF_ROLES = ['registrar', 'trainer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/);

export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

export type StaffAccountProblem = 'bad-username' | 'bad-password' | 'bad-name' | 'registrar-needs-school' | 'username-taken' | 'no-such-account';

export class StaffAccountError extends Error {
  constructor(readonly problem: StaffAccountProblem) {
    super(problem);
    this.name = 'StaffAccountError';
  }
}

export interface NewStaffAccount {
  username: string;
  displayName: string;
  role: StaffRole;
  schoolCode?: string;
  /** Omitted: one is generated and returned, to be shown once. */
  password?: string;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, problem: StaffAccountProblem): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StaffAccountError(problem);
  return parsed.data;
}

/**
 * Creates a staff person and their sign-in. Returns the password only when it was generated.
 * The credential insert under the unique username index is what decides who gets a username.
 */
export async function addStaffAccount(account: NewStaffAccount, now = new Date()): Promise<{ user: User; generatedPassword?: string }> {
  const username = parseOrThrow(usernameSchema, account.username, 'bad-username');
  const displayName = parseOrThrow(z.string().trim().min(1).max(60), account.displayName, 'bad-name');
  const generatedPassword = account.password === undefined ? generatePassword() : undefined;
  const password = parseOrThrow(passwordSchema, account.password ?? generatedPassword, 'bad-password');
  // A registrar keeps the records of one school, so the account is useless without it.
  if (account.role === 'registrar' && !account.schoolCode) throw new StaffAccountError('registrar-needs-school');
  if (await StaffCredentialModel.exists({ username })) throw new StaffAccountError('username-taken');

  const user = await upsertUserFromIdentity(
    {
      provider: STAFF_PROVIDER,
      subject: username,
      displayName,
      schoolCode: account.schoolCode,
      roles: [account.role],
      scopeSchoolCodes: account.role === 'registrar' && account.schoolCode ? [account.schoolCode] : undefined,
    },
    now,
  );
  try {
    await StaffCredentialModel.create({ username, passwordHash: await hashPassword(password), userId: user._id, createdAt: now, passwordChangedAt: now });
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new StaffAccountError('username-taken');
    throw error;
  }
  return { user, generatedPassword };
}

/** Replaces a staff password (generated when not given, and then returned once). */
export async function setStaffPassword(rawUsername: string, newPassword?: string, now = new Date()): Promise<{ generatedPassword?: string }> {
  const username = parseOrThrow(usernameSchema, rawUsername, 'bad-username');
  const generatedPassword = newPassword === undefined ? generatePassword() : undefined;
  const password = parseOrThrow(passwordSchema, newPassword ?? generatedPassword, 'bad-password');
  const result = await StaffCredentialModel.updateOne({ username }, { $set: { passwordHash: await hashPassword(password), passwordChangedAt: now } });
  if (result.matchedCount !== 1) throw new StaffAccountError('no-such-account');
  return { generatedPassword };
}

/**
 * The person behind a username and password, or undefined. Unknown usernames cost the same
 * argon2 work as wrong passwords; malformed input is refused the same way.
 */
export async function verifyStaffSignIn(rawUsername: unknown, rawPassword: unknown): Promise<User | undefined> {
  const username = usernameSchema.safeParse(rawUsername);
  const password = z.string().min(1).max(PASSWORD_MAX_LENGTH).safeParse(rawPassword);
  if (!password.success) return undefined;
  const credential = username.success ? await StaffCredentialModel.findOne({ username: username.data }).lean<StaffCredential>() : null;
  if (!credential) {
    await spendVerificationTime(password.data);
    return undefined;
  }
  if (!(await verifyPassword(credential.passwordHash, password.data))) return undefined;
  return (await findUserById(credential.userId.toString())) ?? undefined;
}
