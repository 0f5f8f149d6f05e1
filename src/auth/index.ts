export { staffSignInRoutes, landingPageFor, FAILED_SIGN_INS_PER_WINDOW } from './routes';
export { addStaffAccount, setStaffPassword, verifyStaffSignIn, StaffAccountError, STAFF_PROVIDER, STAFF_ROLES, type StaffRole, type NewStaffAccount, type StaffAccountProblem } from './staff';
export { StaffCredentialModel, type StaffCredential } from './store';
export { PASSWORD_MIN_LENGTH } from './passwords';
