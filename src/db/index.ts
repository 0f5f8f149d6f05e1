export { openDatabase, ensureIndexes, isDatabaseUp, redactCredentials, PROJECT_ROOT, type Database } from './connection';
