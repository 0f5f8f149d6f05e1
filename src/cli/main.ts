import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { checkCourses, writeCourseSchema } from './courses';
import { seedDemo } from './demo';
import { createToken, listTokens, revokeToken } from './api-tokens';
import { ledgerVerify } from './ledger';
import { checkPolicies } from './policies';
import { exportCommand } from './export';
import { accommodate, usersList } from './quiz';
import type { CliContext } from './context';

const USAGE = `Usage: shixun <command>

  courses check [--json]   validate every file in courses/ (exit 1 on any error)
  courses schema           regenerate docs/course-schema.json
  policies check           validate the hour-requirement profiles
  demo seed                fill the database with demo schools, teachers and progress
  users list [--json]      list people with their ids
  quiz accommodate --user ID [--module ID] (--untimed | --multiplier N | --extra-minutes N)
                           adjust a learner's assessment time limit (WCAG 2.2.1)
  ledger verify [--json]   check every teacher's hours ledger chain (exit 1 on any break)
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
  switch (command) {
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
    case 'quiz accommodate':
      return accommodate(context, values);
    case 'api-token create':
      return createToken(context, values);
    case 'api-token revoke':
      return revokeToken(context, values);
    case 'api-token list':
      return listTokens(context);
    case 'ledger verify':
      return ledgerVerify(context, { json: values.json });
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
