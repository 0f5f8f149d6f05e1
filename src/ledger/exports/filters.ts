import { z } from 'zod';
import { categorySchema } from '../../courses';

/**
 * What an export covers. `schoolCodes` is the registrar's scope: undefined means every school,
 * an empty list no school at all (a registrar with no schools sees nothing).
 */
export const exportFiltersSchema = z.strictObject({
  trainingYear: z.int({ error: 'must be a year such as 2026' }).min(1990).max(2200),
  schoolCodes: z.array(z.string().trim().min(1, 'must not be empty').max(80)).max(10_000).optional(),
  category: categorySchema.optional(),
  /** Only teachers who meet every requirement that applies to them (`met`), or who do not (`short`). */
  requirementStatus: z.enum(['met', 'short']).optional(),
});
export type ExportFilters = z.output<typeof exportFiltersSchema>;
export type ExportFiltersInput = z.input<typeof exportFiltersSchema>;

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** A CSV file holds one table: the entries (`detail`, the default) or one row per teacher (`summary`). */
export const CSV_SHEETS = ['detail', 'summary'] as const;
export type CsvSheet = (typeof CSV_SHEETS)[number];

/** A caller asked for something that cannot be exported: every problem, one per line. */
export class ExportInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ExportInputError';
  }
}

export function parseExportFilters(input: unknown): ExportFilters {
  const parsed = exportFiltersSchema.safeParse(input);
  if (!parsed.success) throw new ExportInputError(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || 'filters'}: ${issue.message}`));
  return parsed.data;
}
