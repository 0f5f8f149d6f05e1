import { addStaffAccount, PASSWORD_MIN_LENGTH, setStaffPassword, STAFF_ROLES, StaffAccountError, type StaffAccountProblem, type StaffRole } from '../auth';
import { openDatabase } from '../db';
import { listSchools } from '../users';
import type { CliContext } from './context';

const ADD_USAGE = 'usage: shixun users add-staff --username U --name N --role registrar|trainer|admin [--school CODE] [--password-stdin]';
const SET_USAGE = 'usage: shixun users set-password --username U [--password-stdin]';

const PROBLEMS: Record<StaffAccountProblem, string> = {
  'bad-username': 'the username must be 2–64 characters: letters, digits, dot, dash or underscore',
  'bad-password': `the password must be ${PASSWORD_MIN_LENGTH}–200 characters`,
  'bad-name': 'the name must be 1–60 characters',
  'registrar-needs-school': 'a registrar keeps one school’s records: give --school CODE',
  'username-taken': 'that username is already taken (use `users set-password` to change its password)',
  'no-such-account': 'no staff account has that username',
};

/** The whole of standard input without its final line break, so `echo pw |` and files both work. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function reportGenerated(context: CliContext, username: string, password: string | undefined): void {
  if (!password) return;
  context.log(`generated password for ${username}; it is shown only now, hand it over safely:`);
  context.out(password);
}

/** Runs one account change on the database; a refused change is reported and exits 1. */
async function withStaffAccounts(context: CliContext, change: () => Promise<number>): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    return await change();
  } catch (error) {
    if (error instanceof StaffAccountError) {
      context.log(PROBLEMS[error.problem]);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/** `shixun users add-staff`: a registrar, trainer or admin who signs in at /login. */
export async function addStaff(
  context: CliContext,
  options: { username?: string; name?: string; role?: string; school?: string[]; 'password-stdin'?: boolean },
): Promise<number> {
  const { username, name } = options;
  const role = STAFF_ROLES.find((candidate) => candidate === options.role);
  if (!username || !name || !role || (options.school?.length ?? 0) > 1) {
    context.log(ADD_USAGE);
    return 2;
  }
  const password = options['password-stdin'] ? await readStdin() : undefined;
  const schoolCode = options.school?.[0];
  return withStaffAccounts(context, async () => {
    if (schoolCode && !(await listSchools()).some((school) => school.code === schoolCode)) {
      context.log(`no school has the code ${schoolCode}`);
      return 1;
    }
    const { user, generatedPassword } = await addStaffAccount({ username, displayName: name, role: role as StaffRole, schoolCode, password });
    context.log(`staff account ${user.subject} (${role}${schoolCode ? `, ${schoolCode}` : ''}) created for ${user.displayName}, user id ${user._id.toString()}`);
    reportGenerated(context, user.subject, generatedPassword);
    return 0;
  });
}

/** `shixun users set-password`: a forgotten or leaked password is replaced, never shown. */
export async function setPassword(context: CliContext, options: { username?: string; 'password-stdin'?: boolean }): Promise<number> {
  const { username } = options;
  if (!username) {
    context.log(SET_USAGE);
    return 2;
  }
  const password = options['password-stdin'] ? await readStdin() : undefined;
  return withStaffAccounts(context, async () => {
    const { generatedPassword } = await setStaffPassword(username, password);
    const account = username.trim().toLowerCase();
    context.log(`password of ${account} changed`);
    reportGenerated(context, account, generatedPassword);
    return 0;
  });
}
