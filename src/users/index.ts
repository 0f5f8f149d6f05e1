export { ROLES, HOMEROOM_TIERS, UserModel, SchoolModel, type Role, type HomeroomTier, type User, type School } from './store';
export { upsertUserFromIdentity, findUserById, findUserByIdentity, listUsers, listTeachers, listSchools, upsertSchool, setTeacherFacts, type IdentityClaims } from './service';
