import type { Types } from 'mongoose';
import { findUserById, findUserByIdentity, listSchools, upsertUserFromIdentity, type IdentityClaims, type User } from '../../users';
import type { VerifiedLaunch } from '../launch';
import { IdentityLinkModel, type IdentityLink } from './store';

const DUPLICATE_KEY = 11000;

type Identity = { provider: string; subject: string };

/** The user an identity resolves to: through a link first, then as the user's own identity. */
async function userBehind(identity: Identity): Promise<User | null> {
  const link = await IdentityLinkModel.findOne(identity).lean<IdentityLink>();
  if (link) return findUserById(link.userId.toHexString());
  return findUserByIdentity(identity.provider, identity.subject);
}

/**
 * Points a 1.3 identity at the user of its 1.1 identity, once. The insert under the unique index is
 * the guard: when another launch linked it first, its link wins and is read back.
 */
async function linkMigratedIdentity(identity: Identity, migratedFrom: Identity, userId: Types.ObjectId, now: Date): Promise<Types.ObjectId> {
  try {
    await IdentityLinkModel.create({ ...identity, userId, migratedFrom, linkedAt: now });
    return userId;
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    const existing = await IdentityLinkModel.findOne(identity).lean<IdentityLink>();
    if (!existing) throw error;
    return existing.userId;
  }
}

async function knownSchoolCode(code: string | undefined): Promise<string | undefined> {
  if (!code) return undefined;
  return (await listSchools()).some((school) => school.code === code) ? code : undefined;
}

/**
 * What the LMS says now wins for name, email, school and roles; what it did not send is kept
 * (a launch without a name must not blank the one an earlier launch gave).
 */
function claimsFor(owner: Identity, launch: VerifiedLaunch, schoolCode: string | undefined, existing: User | null): IdentityClaims {
  const claims: IdentityClaims = {
    provider: owner.provider,
    subject: owner.subject,
    displayName: launch.displayName?.trim() || existing?.displayName || launch.subject,
    roles: launch.roles,
  };
  const email = launch.email ?? existing?.email;
  if (email) claims.email = email;
  const school = schoolCode ?? existing?.schoolCode;
  if (school) claims.schoolCode = school;
  return claims;
}

/**
 * The Shixun user behind a verified launch, found or created by the identity `(provider, subject)`.
 * An LTI 1.3 launch carrying the lti1p1 migration claim resolves to the user of the teacher's 1.1
 * identity when that user exists, so progress, attempts and hours stay with one person; the 1.3
 * identity is linked to them on the first such launch. A 1.3 identity that already has a user of
 * its own keeps it (records are never merged).
 */
export async function resolveLaunchUser(launch: VerifiedLaunch, now: Date): Promise<User> {
  const identity = { provider: launch.provider, subject: launch.subject };
  const schoolCode = await knownSchoolCode(launch.schoolCode);

  let existing = await userBehind(identity);
  if (!existing && launch.migratedFrom) {
    const legacy = await userBehind(launch.migratedFrom);
    if (legacy) {
      const linkedId = await linkMigratedIdentity(identity, launch.migratedFrom, legacy._id, now);
      existing = linkedId.equals(legacy._id) ? legacy : await findUserById(linkedId.toHexString());
    }
  }
  const owner = existing ? { provider: existing.provider, subject: existing.subject } : identity;
  return upsertUserFromIdentity(claimsFor(owner, launch, schoolCode, existing), now);
}
