export { ROLES, UserModel, SchoolModel, type Role, type User, type School } from './store';
export { upsertUserFromIdentity, findUserById, listUsers, listSchools, upsertSchool, type IdentityClaims } from './service';
