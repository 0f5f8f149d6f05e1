import path from 'node:path';
import { z } from 'zod';
import { categorySchema } from '../courses';
import { openDatabase } from '../db';
import { CSV_SHEETS, EXPORT_FORMATS, exportLedger, ExportInputError, resolveProfile, type ExportProgress } from '../ledger/exports';
import type { CliContext } from './context';

const exportArgs = z.object({
  year: z.coerce.number({ error: 'must be a year such as 2026' }).int('must be a year such as 2026').min(1990).max(2200),
  format: z.enum(EXPORT_FORMATS, { error: 'must be csv or xlsx' }),
  out: z.string({ error: 'give the file to write, e.g. --out hours-2026.xlsx' }).trim().min(1, 'give the file to write'),
  school: z.array(z.string().trim().min(1, 'must not be empty').max(80)).optional(),
  category: categorySchema.optional(),
  status: z.enum(['met', 'short'], { error: 'must be met or short' }).optional(),
  sheet: z.enum(CSV_SHEETS, { error: 'must be detail or summary' }).optional(),
  profile: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a policy profile id such as default').optional(),
});

/** Progress lines go to stderr at most this often. */
const PROGRESS_INTERVAL_MS = 5_000;

/**
 * `shixun export --year 2026 --format csv|xlsx --out FILE [--school CODE]… [--category C]
 * [--status met|short] [--sheet detail|summary] [--profile ID]`: the ledger for registrars,
 * streamed straight into FILE (which appears only once complete). Exit 2 on bad options.
 */
export async function exportCommand(context: CliContext, raw: Record<string, unknown>): Promise<number> {
  const parsed = exportArgs.safeParse(raw);
  if (!parsed.success) {
    context.log(parsed.error.issues.map((issue) => `--${issue.path[0]?.toString() ?? 'options'}: ${issue.message}`).join('\n'));
    return 2;
  }
  const args = parsed.data;
  if (args.sheet && args.format !== 'csv') {
    context.log('--sheet: only a CSV holds one sheet; an XLSX has both summary and detail');
    return 2;
  }
  const profileId = args.profile ?? context.config.policyProfile;
  try {
    resolveProfile(profileId);
  } catch (error) {
    if (!(error instanceof ExportInputError)) throw error;
    context.log(`--profile: ${error.message}`);
    return 2;
  }
  const out = path.resolve(args.out);
  const database = await openDatabase(context.config, context.log);
  try {
    let lastLog = Date.now();
    const progress = ({ processed, total, phase }: ExportProgress) => {
      if (Date.now() - lastLog < PROGRESS_INTERVAL_MS) return;
      lastLog = Date.now();
      context.log(`${phase}: ${processed}${total === undefined ? '' : ` of ${total}`} rows`);
    };
    const started = Date.now();
    const result = await exportLedger(out, {
      format: args.format,
      sheet: args.sheet,
      filters: { trainingYear: args.year, schoolCodes: args.school, category: args.category, requirementStatus: args.status },
      profileId,
      progress,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const parts = [args.format === 'xlsx' || args.sheet === 'summary' ? `${result.teachers} teachers` : '', args.format === 'xlsx' || args.sheet !== 'summary' ? `${result.entries} entries` : '']
      .filter(Boolean)
      .join(', ');
    context.out(`exported ${parts} (${args.year}, ${args.format}) to ${out} in ${seconds} s`);
    return 0;
  } catch (error) {
    if (error instanceof ExportInputError) {
      context.log(error.message);
      return 2;
    }
    throw error;
  } finally {
    await database.close();
  }
}
