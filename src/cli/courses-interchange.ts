import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Author } from '../authoring';
import { applyImport, exportPublishedZip, ModuleNotPublishedError, planImport, type ImportPlan } from '../authoring/interchange';
import { formatCourseError, idSchema } from '../courses';
import { openDatabase } from '../db';
import type { CliContext } from './context';

/** The operator at the command line acts as an admin; drafts it creates are owned by "cli" until an admin names editors. */
const CLI_AUTHOR: Author = { _id: 'cli', displayName: 'shixun CLI', roles: ['admin'] };

const exportArgs = z
  .object({ module: idSchema.optional(), all: z.boolean().default(false), out: z.string().regex(/\.zip$/, 'must name a .zip file') })
  .refine((args) => (args.module === undefined) !== !args.all, { message: 'give either --module ID or --all' });

/** `shixun courses export --module ID|--all --out FILE.zip`: published modules as `courses/` files. */
export async function exportCourses(context: CliContext, raw: Record<string, unknown>): Promise<number> {
  const parsed = exportArgs.safeParse(raw);
  if (!parsed.success) {
    context.log(parsed.error.issues.map((issue) => `--${issue.path.join('.') || 'options'}: ${issue.message}`).join('\n'));
    return 2;
  }
  const database = await openDatabase(context.config, context.log);
  try {
    const { bytes, moduleIds } = await exportPublishedZip(parsed.data.module ? [parsed.data.module] : undefined);
    await writeFile(parsed.data.out, bytes);
    context.out(`wrote ${parsed.data.out}: ${moduleIds.length} module${moduleIds.length === 1 ? '' : 's'} (${bytes.byteLength} bytes)`);
    return 0;
  } catch (error) {
    if (!(error instanceof ModuleNotPublishedError)) throw error;
    context.log(error.message);
    return 1;
  } finally {
    await database.close();
  }
}

/**
 * `shixun courses import FILE.zip [--dry-run]`: the dry run always comes first and is printed;
 * without `--dry-run` it is then applied to drafts (never published). Exit 1 on any error.
 */
export async function importCourses(context: CliContext, files: string[], options: { dryRun: boolean }): Promise<number> {
  if (files.length !== 1 || !files[0]!.endsWith('.zip')) {
    context.log('usage: shixun courses import FILE.zip [--dry-run]');
    return 2;
  }
  const bytes = await readFile(files[0]!);
  const database = await openDatabase(context.config, context.log);
  try {
    const plan = await planImport(bytes, CLI_AUTHOR);
    printPlan(context, plan);
    if (plan.errors.length > 0) return 1;
    if (options.dryRun) return 0;
    const outcome = await applyImport(bytes, CLI_AUTHOR, new Date(), plan.fingerprint);
    context.out(
      `drafts created: ${outcome.created.length}, updated: ${outcome.updated.length}, unchanged: ${outcome.unchanged.length}, refused: ${outcome.refused.length}, conflicts: ${outcome.conflicts.length}`,
    );
    return outcome.conflicts.length > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}

function printPlan(context: CliContext, plan: ImportPlan): void {
  for (const error of plan.errors) context.out(formatCourseError(error));
  for (const module of plan.modules) {
    const files = module.changedFiles.length > 0 ? `: ${module.changedFiles.join(', ')}` : '';
    context.out(`${module.action.padEnd(9)} ${module.moduleId}${module.reason ? ` (${module.reason})` : ''}${files}`);
  }
  for (const bank of plan.banks) context.out(`${bank.action.padEnd(9)} bank ${bank.bankId}`);
  context.out(`${plan.modules.length} modules in the zip; ${plan.errors.length} error${plan.errors.length === 1 ? '' : 's'}`);
}
