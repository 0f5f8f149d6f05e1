import { Types } from 'mongoose';
import { SchoolModel, UserModel, type HomeroomTier, type School, type User } from './store';

/**
 * What an identity provider tells us about a person. Registrar-kept facts (tier, post date,
 * scope) are not the provider's to overwrite.
 */
export type IdentityClaims = Omit<User, '_id' | 'homeroomTier' | 'postStartDate' | 'scopeSchoolCodes'> & Pick<User, 'scopeSchoolCodes'>;

/**
 * Finds the person behind an identity or creates them, in one atomic upsert, so two launches at
 * the same moment never create two records. What the identity provider says now wins.
 */
export async function upsertUserFromIdentity(claims: IdentityClaims, now = new Date()): Promise<User> {
  const { provider, subject, ...profile } = claims;
  const user = await UserModel.findOneAndUpdate(
    { provider, subject },
    { $set: { ...profile, lastSeenAt: now }, $setOnInsert: { createdAt: now } },
    { upsert: true, returnDocument: 'after', runValidators: true },
  ).lean<User>();
  if (!user) throw new Error('user upsert returned nothing');
  return user;
}

/** The person behind an identity, if they have arrived before. */
export async function findUserByIdentity(provider: string, subject: string): Promise<User | null> {
  return UserModel.findOne({ provider, subject }).lean<User>();
}

export async function findUserById(id: string): Promise<User | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return UserModel.findById(id).lean<User>();
}

export async function listSchools(): Promise<School[]> {
  return SchoolModel.find({}, { _id: 0, code: 1, name: 1, district: 1 }).sort({ code: 1 }).lean<School[]>();
}

export async function upsertSchool(school: School): Promise<void> {
  await SchoolModel.updateOne({ code: school.code }, { $set: school }, { upsert: true });
}

export async function listUsers(): Promise<User[]> {
  return UserModel.find({}).sort({ schoolCode: 1, displayName: 1 }).lean<User[]>();
}

/** Registrar-kept facts about a teacher that decide which requirements apply. */
export async function setTeacherFacts(userId: Types.ObjectId, facts: { homeroomTier?: HomeroomTier | null; postStartDate?: Date | null }): Promise<boolean> {
  const set: Record<string, unknown> = {};
  const unset: Record<string, 1> = {};
  for (const [field, value] of Object.entries(facts)) {
    if (value === undefined) continue;
    if (value === null) unset[field] = 1;
    else set[field] = value;
  }
  const result = await UserModel.updateOne({ _id: userId }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  return result.matchedCount === 1;
}

export async function listTeachers(filter: { schoolCodes?: readonly string[] }): Promise<User[]> {
  const learners = { roles: { $in: ['learner' as const] } };
  const query = filter.schoolCodes ? { ...learners, schoolCode: { $in: [...filter.schoolCodes] } } : learners;
  return UserModel.find(query).sort({ schoolCode: 1, displayName: 1 }).lean<User[]>();
}
