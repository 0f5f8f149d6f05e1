import { openDatabase } from '../db';
import { verifyLedger } from '../ledger';
import type { CliContext } from './context';

/**
 * `shixun ledger verify [--json]`: recomputes every teacher's hash chain. Exit 0 when every chain
 * is intact, 1 with one line per break otherwise.
 */
export async function ledgerVerify(context: CliContext, options: { json: boolean }): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    const report = await verifyLedger();
    if (options.json) {
      context.out(JSON.stringify({ intact: report.breaks.length === 0, ...report }, null, 2));
    } else {
      for (const b of report.breaks) context.out(`teacher ${b.teacherId} entry #${b.sequence} ${b.entryId}: ${b.problem}`);
      context.out(
        report.breaks.length === 0
          ? `ledger intact: ${report.entries} entries, ${report.teachers} teachers`
          : `ledger NOT intact: ${report.breaks.length} break(s) in ${report.entries} entries, ${report.teachers} teachers`,
      );
    }
    return report.breaks.length === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}
