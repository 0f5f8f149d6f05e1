import { writeCsv, writeXlsx, type ExportTarget } from '../../exports';
import { effectiveProfile, findProfile, loadPolicyProfiles, type PolicyProfile } from '../policies';
import { countDetail, detailColumns, detailRows, inDetail } from './detail';
import { ExportInputError, parseExportFilters, type CsvSheet, type ExportFilters, type ExportFiltersInput, type ExportFormat } from './filters';
import { judgementMoment, summaryColumns, summaryRows, type SummaryEntry } from './summary';
import { countTeachers, SMALL_SCOPE, type LedgerScan } from './teachers';

export interface ExportProgress {
  /** Rows written so far (summary rows, then detail rows). */
  processed: number;
  /**
   * Rows expected in all. Unknown (undefined) until the counts are in: the count of entries runs
   * beside the export rather than before it, since on FerretDB v1 it is a scan as long as the export.
   */
  total: number | undefined;
  phase: 'summary' | 'detail';
}

export interface LedgerExportOptions {
  filters: ExportFiltersInput;
  /** The policy profile whose requirements the summary judges (`src/ledger/policies/profiles/<id>.yaml`). */
  profileId: string;
  /** When requirements are judged; default: see `judgementMoment`. */
  asOf?: Date;
  /** Called after every row; cheap callers only (throttle anything that writes). */
  progress?: (progress: ExportProgress) => void;
}

export interface LedgerExportResult {
  /** Summary rows written (0 for a detail CSV). */
  teachers: number;
  /** Detail rows written (0 for a summary CSV). */
  entries: number;
}

export function resolveProfile(profileId: string): PolicyProfile {
  const { profiles } = loadPolicyProfiles();
  const profile = findProfile(profiles, profileId);
  if (!profile) throw new ExportInputError([`profile: no policy profile "${profileId}" (known: ${profiles.map((p) => p.id).join(', ') || 'none'})`]);
  return profile;
}

interface Prepared {
  filters: ExportFilters;
  profile: PolicyProfile;
  asOf: Date;
}

async function prepare(options: LedgerExportOptions): Promise<Prepared> {
  const filters = parseExportFilters(options.filters);
  // Admin overrides apply to exports exactly as they do to the registrar pages.
  const profile = await effectiveProfile(resolveProfile(options.profileId));
  return { filters, profile, asOf: options.asOf ?? judgementMoment(filters.trainingYear, profile) };
}

/** Counts rows as they pass, reporting progress; the total is known once every count is in. */
class Progress {
  processed = 0;
  private total: number | undefined;

  constructor(
    private readonly report: LedgerExportOptions['progress'],
    counts: Promise<number>[],
  ) {
    Promise.all(counts).then(
      (numbers) => {
        this.total = numbers.reduce((sum, n) => sum + n, 0);
      },
      () => undefined, // no total then; the export itself goes on
    );
  }

  async *count<Row>(rows: AsyncIterable<Row>, phase: ExportProgress['phase']): AsyncGenerator<Row> {
    for await (const row of rows) {
      this.processed += 1;
      this.report?.({ processed: this.processed, total: this.total === undefined ? undefined : Math.max(this.total, this.processed), phase });
      yield row;
    }
  }

  /** The last report: everything written, so processed = total. */
  done(phase: ExportProgress['phase']): void {
    this.report?.({ processed: this.processed, total: this.processed, phase });
  }
}

/**
 * One CSV table, streamed: the detail (one row per entry, the default) or the summary (one row
 * per teacher).
 */
export async function exportLedgerCsv(target: ExportTarget, options: LedgerExportOptions & { sheet?: CsvSheet }): Promise<LedgerExportResult> {
  const { filters, profile, asOf } = await prepare(options);
  // The teachers decide the rows of a summary, and of a detail by requirement status only.
  const teacherCount = options.sheet === 'summary' || filters.requirementStatus ? await countTeachers(filters.schoolCodes) : 0;
  if (options.sheet === 'summary') {
    const progress = new Progress(options.progress, [Promise.resolve(teacherCount)]);
    const { rows } = await writeCsv(target, summaryColumns(filters, profile), progress.count(summaryRows(filters, profile, asOf, teacherCount), 'summary'));
    progress.done('summary');
    return { teachers: rows, entries: 0 };
  }
  const progress = new Progress(options.progress, [quietly(countDetail(filters))]);
  const { rows } = await writeCsv(target, detailColumns(), progress.count(detailRows(filters, profile, asOf, teacherCount), 'detail'));
  progress.done('detail');
  return { teachers: 0, entries: rows };
}

/**
 * One workbook: a `summary` sheet (one row per teacher), then a `detail` sheet (one row per entry).
 */
export async function exportLedgerXlsx(target: ExportTarget, options: LedgerExportOptions): Promise<LedgerExportResult> {
  const { filters, profile, asOf } = await prepare(options);
  const teacherCount = await countTeachers(filters.schoolCodes);
  // When the summary reads the whole ledger anyway, it counts the detail rows on the way rather
  // than a count query competing with it for the server.
  const scan = teacherCount > SMALL_SCOPE ? detailCounter(filters) : undefined;
  const progress = new Progress(options.progress, [Promise.resolve(teacherCount), scan ? scan.counted : quietly(countDetail(filters))]);
  const result = await writeXlsx(target, async (workbook) => {
    const teachers = await workbook.addSheet({ name: 'summary', columns: summaryColumns(filters, profile), rows: progress.count(summaryRows(filters, profile, asOf, teacherCount, scan), 'summary') });
    scan?.finish();
    const entries = await workbook.addSheet({ name: 'detail', columns: detailColumns(), rows: progress.count(detailRows(filters, profile, asOf, teacherCount), 'detail') });
    return { teachers, entries };
  });
  progress.done('detail');
  return result;
}

/** Counts the detail rows among the entries a ledger scan sees; a count query if it did not see them all. */
function detailCounter(filters: ExportFilters): LedgerScan<SummaryEntry> & { counted: Promise<number>; finish(): void } {
  let matched = 0;
  let resolve: (count: number) => void = () => undefined;
  const counted = new Promise<number>((settle) => (resolve = settle));
  const scan = {
    complete: false,
    counted,
    onEntry(entry: SummaryEntry) {
      if (inDetail(entry, filters)) matched += 1;
    },
    finish() {
      if (scan.complete) resolve(matched);
      else quietly(countDetail(filters)).then(resolve, () => undefined);
    },
  };
  return scan;
}

export async function exportLedger(target: ExportTarget, options: LedgerExportOptions & { format: ExportFormat; sheet?: CsvSheet }): Promise<LedgerExportResult> {
  return options.format === 'xlsx' ? exportLedgerXlsx(target, options) : exportLedgerCsv(target, options);
}

/** A count that may still be running when the export ends: its failure must not go unhandled. */
function quietly(count: Promise<number>): Promise<number> {
  count.catch(() => undefined);
  return count;
}
