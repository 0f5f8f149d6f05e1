import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { checkCourses, writeCourseSchema } from './courses';
import { exportCourses, importCourses } from './courses-interchange';
import { seedDemo } from './demo';
import { createToken, listTokens, revokeToken } from './api-tokens';
import { ledgerVerify } from './ledger';
import { listKeys, rotateKeys } from './keys';
import { checkPolicies } from './policies';
import { exportCommand } from './export';
import { accommodate, usersList } from './quiz';
import { addStaff, setPassword } from './staff';
import { addConsumer, listConsumersCommand } from './lti-consumers';
import { addPlatformCommand, listPlatformsCommand, registrationUrlCommand } from './lti-platforms';
import { certificatesCommand } from './certificates';
import type { CliContext } from './context';

const USAGE = `Usage: shixun <command>

  courses check [--json]   validate every file in courses/ (exit 1 on any error)
  courses schema           regenerate docs/course-schema.json
  courses export (--module ID | --all) --out FILE.zip
                           published modules (and the banks they draw from) as courses/ files
  courses import FILE.zip [--dry-run]
                           check a zip of courses/ files and list what would change; without
                           --dry-run, then create or update drafts (never published)
  policies check           validate the hour-requirement profiles
  demo seed                fill the database with demo schools, teachers and progress
  users list [--json]      list people with their ids
  users add-staff --username U --name N --role registrar|trainer|admin [--school CODE] [--password-stdin]
                           a staff sign-in for /login (a generated password is printed once)
  users set-password --username U [--password-stdin]
                           replace a staff password (generated and printed once if not given)
  quiz accommodate --user ID [--module ID] (--untimed | --multiplier N | --extra-minutes N)
                           adjust a learner's assessment time limit (WCAG 2.2.1)
  lti add-consumer --key K [--secret S] [--name N] [--origin URL]…
                           register an LTI 1.1 consumer (a generated secret is printed once)
  lti list-consumers [--json]
                           LTI 1.1 consumer keys, names, origins and status (never secrets)
  lti add-platform --issuer URL --client-id ID --deployment-id ID… --auth-url URL --token-url URL
         --jwks-url URL [--name N] [--origin URL]…
                           register an LTI 1.3 platform
  lti list-platforms [--json]
                           LTI 1.3 platforms with their client ids, deployments and endpoints
  lti registration-url     a one-time LTI 1.3 dynamic registration URL (valid 24 hours)
  ledger verify [--json]   check every teacher's hours ledger chain (exit 1 on any break)
  keys list [--json]       the tool's published signing keys, the signing one first
  keys rotate              sign with a new key from now on; old keys stay published
  certificates list [--json]
                           every certificate: number, verification code, holder, title, hours, status
  certificates pdf NUMBER --out FILE
                           a certificate's PDF
  certificates credential NUMBER
                           a certificate's signed Open Badges 3.0 credential (VC-JWT)
  certificates revoke NUMBER --reason issued-in-error|misconduct|data-correction|holder-request|other [--note TEXT]
                           revoke a certificate (recorded, never deleted)
  api-token create --user ID --name NAME | revoke --token-id ID | list
                           registrar API tokens (shown once, stored hashed)
  export --year YYYY --format csv|xlsx --out FILE [--school CODE]… [--category C]
         [--status met|short] [--sheet detail|summary] [--profile ID]
                           the hours ledger for registrars, streamed into FILE

The database is MONGODB_URI, else the embedded server of a running \`npm start\` on the same
DATA_DIR, else an embedded server started for the command.`;

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      user: { type: 'string' },
      module: { type: 'string' },
      untimed: { type: 'boolean' },
      multiplier: { type: 'string' },
      'extra-minutes': { type: 'string' },
      name: { type: 'string' },
      'token-id': { type: 'string' },
      year: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      school: { type: 'string', multiple: true },
      category: { type: 'string' },
      status: { type: 'string' },
      sheet: { type: 'string' },
      profile: { type: 'string' },
      reason: { type: 'string' },
      note: { type: 'string' },
      key: { type: 'string' },
      secret: { type: 'string' },
      origin: { type: 'string', multiple: true },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'deployment-id': { type: 'string', multiple: true },
      'auth-url': { type: 'string' },
      'token-url': { type: 'string' },
      'jwks-url': { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      all: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const context: CliContext = {
    config: loadConfig(),
    out: (line) => process.stdout.write(`${line}\n`),
    log: (line) => process.stderr.write(`[shixun] ${line}\n`),
  };
  const command = positionals.join(' ');
  if (values.help || command === '') {
    context.out(USAGE);
    return values.help ? 0 : 2;
  }
  // Certificate commands take a certificate number as a positional argument.
  if (positionals[0] === 'certificates') return certificatesCommand(context, positionals.slice(1), values);
  // `courses import` takes the zip as a positional argument.
  if (positionals[0] === 'courses' && positionals[1] === 'import') return importCourses(context, positionals.slice(2), { dryRun: values['dry-run'] });
  switch (command) {
    case 'courses export':
      return exportCourses(context, values);
    case 'courses check':
      return checkCourses(context, { json: values.json });
    case 'courses schema':
      return writeCourseSchema(context);
    case 'policies check':
      return checkPolicies(context);
    case 'demo seed':
      return seedDemo(context);
    case 'users list':
      return usersList(context, { json: values.json });
    case 'users add-staff':
      return addStaff(context, values);
    case 'users set-password':
      return setPassword(context, values);
    case 'quiz accommodate':
      return accommodate(context, values);
    case 'api-token create':
      return createToken(context, values);
    case 'api-token revoke':
      return revokeToken(context, values);
    case 'api-token list':
      return listTokens(context);
    case 'lti add-consumer':
      return addConsumer(context, values);
    case 'lti list-consumers':
      return listConsumersCommand(context, { json: values.json });
    case 'lti add-platform':
      return addPlatformCommand(context, values);
    case 'lti list-platforms':
      return listPlatformsCommand(context, { json: values.json });
    case 'lti registration-url':
      return registrationUrlCommand(context);
    case 'ledger verify':
      return ledgerVerify(context, { json: values.json });
    case 'keys rotate':
      return rotateKeys(context);
    case 'keys list':
      return listKeys(context, { json: values.json });
    case 'export':
      return exportCommand(context, values);
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}\n`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError || error instanceof TypeError ? error.message : (error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
