import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import mongoose, { Schema, type Types } from 'mongoose';
import { CATEGORIES } from '../../courses';
import { exportLedger, resolveProfile } from './export';
import { CSV_SHEETS, EXPORT_FORMATS, ExportInputError, parseExportFilters, type CsvSheet, type ExportFilters, type ExportFiltersInput, type ExportFormat } from './filters';

/**
 * Exports too large to wait for run in the background of the process that started them. The
 * `export_jobs` document is written by that process alone (created, progress, then done or
 * failed), so plain last-writer-wins updates are safe on FerretDB v1 (docs/data-layer.md rule 3).
 * Files go to `DATA_DIR/exports/<jobId>.<ext>`, appearing under that name only once complete.
 */
export const EXPORT_JOB_STATUSES = ['running', 'done', 'failed'] as const;
export type ExportJobStatus = (typeof EXPORT_JOB_STATUSES)[number];

/** Progress is saved after this many rows (and at the end), not after every row. */
export const PROGRESS_EVERY = 1000;

/**
 * A running job whose process has saved nothing for this long has died with it (a restart, a
 * crash): thousands of rows take seconds, not minutes. It is then shown, and stored, as failed.
 */
export const STALE_AFTER_MS = 15 * 60_000;

/** The `error` of a job whose process stopped before it finished. */
export const INTERRUPTED = 'interrupted';

const filtersSchema = new Schema(
  {
    trainingYear: { type: Number, required: true },
    schoolCodes: { type: [String], default: undefined },
    category: { type: String, enum: CATEGORIES },
    requirementStatus: { type: String, enum: ['met', 'short'] },
  },
  { _id: false, strict: 'throw', versionKey: false },
);

const exportJobSchema = new Schema(
  {
    jobId: { type: String, required: true },
    ownerId: { type: String, required: true },
    filters: { type: filtersSchema, required: true },
    format: { type: String, enum: EXPORT_FORMATS, required: true },
    sheet: { type: String, enum: CSV_SHEETS },
    profileId: { type: String, required: true },
    status: { type: String, enum: EXPORT_JOB_STATUSES, required: true },
    processed: { type: Number, required: true },
    /** null until the rows are counted. */
    total: { type: Number, default: null },
    fileName: { type: String, required: true },
    error: String,
    /** Set when the job starts and whenever it saves progress: how a dead job is recognised. */
    heartbeatAt: Date,
    teachers: Number,
    entries: Number,
    createdAt: { type: Date, required: true },
    finishedAt: Date,
  },
  { collection: 'export_jobs', strict: 'throw', versionKey: false },
);
exportJobSchema.index({ jobId: 1 }, { unique: true });
exportJobSchema.index({ ownerId: 1, createdAt: -1 });

export const ExportJobModel = mongoose.model('ExportJob', exportJobSchema);

export interface ExportJob {
  jobId: string;
  ownerId: string;
  filters: ExportFilters;
  format: ExportFormat;
  sheet?: CsvSheet;
  profileId: string;
  status: ExportJobStatus;
  processed: number;
  total: number | null;
  /** `<jobId>.<ext>` in `DATA_DIR/exports`; the file exists once the status is `done`. */
  fileName: string;
  /** A name to offer for the download, e.g. `ledger-2026.xlsx`. */
  downloadName: string;
  error?: string;
  /** Rows written, once done. */
  teachers?: number;
  entries?: number;
  createdAt: Date;
  finishedAt?: Date;
}

export interface StartExportJobInput {
  /** The user who asked; only they get the job back from `getExportJob`. */
  ownerId: string | Types.ObjectId;
  filters: ExportFiltersInput;
  format: ExportFormat;
  /** For CSV: the entries (`detail`, default) or one row per teacher (`summary`). */
  sheet?: CsvSheet;
  profileId: string;
  dataDir: string;
  /** When requirements are judged; default: see `judgementMoment`. */
  asOf?: Date;
}

export interface StartedExportJob {
  job: ExportJob;
  /** Settles (never rejects) with the job as it ended: `done` or `failed`. */
  done: Promise<ExportJob>;
}

export const exportsDir = (dataDir: string) => path.join(dataDir, 'exports');

/** Where a finished job's file is. */
export function exportJobFilePath(dataDir: string, job: Pick<ExportJob, 'fileName'>): string {
  return path.join(exportsDir(dataDir), job.fileName);
}

type StoredJob = Omit<ExportJob, 'downloadName' | 'error' | 'teachers' | 'entries' | 'finishedAt' | 'sheet' | 'total'> & {
  sheet?: CsvSheet | null;
  total?: number | null;
  error?: string | null;
  teachers?: number | null;
  entries?: number | null;
  finishedAt?: Date | null;
  heartbeatAt?: Date | null;
};

function view(stored: StoredJob): ExportJob {
  const filters = parseExportFilters(stripNulls(stored.filters as unknown as Record<string, unknown>));
  const extension = stored.format;
  const suffix = [filters.category, filters.requirementStatus, stored.format === 'csv' && stored.sheet === 'summary' ? 'summary' : undefined].filter(Boolean).join('-');
  return {
    jobId: stored.jobId,
    ownerId: stored.ownerId,
    filters,
    format: stored.format,
    ...(stored.sheet ? { sheet: stored.sheet } : {}),
    profileId: stored.profileId,
    status: stored.status,
    processed: stored.processed,
    total: stored.total ?? null,
    fileName: stored.fileName,
    downloadName: `ledger-${filters.trainingYear}${suffix ? `-${suffix}` : ''}.${extension}`,
    ...(stored.error ? { error: stored.error } : {}),
    ...(typeof stored.teachers === 'number' ? { teachers: stored.teachers } : {}),
    ...(typeof stored.entries === 'number' ? { entries: stored.entries } : {}),
    createdAt: stored.createdAt,
    ...(stored.finishedAt ? { finishedAt: stored.finishedAt } : {}),
  };
}

function stripNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined));
}

const JOB_ID = /^[0-9a-f]{32}$/;

/**
 * Creates the job and starts the export in the background; returns at once. Bad filters, format
 * or profile throw `ExportInputError` here, before any job exists; anything that goes wrong while
 * exporting ends the job `failed` with the error's message.
 */
export async function startExportJob(input: StartExportJobInput): Promise<StartedExportJob> {
  const filters = parseExportFilters(input.filters);
  resolveProfile(input.profileId);
  const problems = [
    ...((EXPORT_FORMATS as readonly string[]).includes(input.format) ? [] : [`format: must be one of ${EXPORT_FORMATS.join(', ')}`]),
    ...(input.sheet === undefined || (CSV_SHEETS as readonly string[]).includes(input.sheet) ? [] : [`sheet: must be one of ${CSV_SHEETS.join(', ')}`]),
  ];
  if (problems.length > 0) throw new ExportInputError(problems);
  const jobId = randomBytes(16).toString('hex');
  const stored: StoredJob = {
    jobId,
    ownerId: String(input.ownerId),
    filters,
    format: input.format,
    ...(input.format === 'csv' && input.sheet ? { sheet: input.sheet } : {}),
    profileId: input.profileId,
    status: 'running',
    processed: 0,
    total: null,
    fileName: `${jobId}.${input.format}`,
    createdAt: new Date(),
    heartbeatAt: new Date(),
  };
  await ExportJobModel.create(stored);
  const job = view(stored);
  return { job, done: run(job, input) };
}

async function run(job: ExportJob, input: StartExportJobInput): Promise<ExportJob> {
  const saver = progressSaver(job.jobId);
  let finished: Partial<StoredJob>;
  try {
    const dir = exportsDir(input.dataDir);
    await mkdir(dir, { recursive: true });
    const result = await exportLedger(path.join(dir, job.fileName), {
      filters: job.filters,
      profileId: job.profileId,
      format: job.format,
      sheet: job.sheet,
      asOf: input.asOf,
      progress: saver.report,
    });
    await saver.settle();
    finished = { status: 'done', processed: saver.processed, total: saver.processed, teachers: result.teachers, entries: result.entries, finishedAt: new Date() };
  } catch (error) {
    await saver.settle();
    finished = { status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date() };
  }
  try {
    // A job marked interrupted by a reader while it was only slow ends as it really ended.
    await ExportJobModel.updateOne({ jobId: job.jobId }, finished.status === 'done' ? { $set: finished, $unset: { error: 1 } } : { $set: finished });
  } catch {
    // The database went away: the stored job stays `running`; the caller still learns the outcome.
  }
  return { ...job, ...(finished as Partial<ExportJob>) };
}

/** Saves progress every PROGRESS_EVERY rows, one update at a time, always the latest figures. */
function progressSaver(jobId: string) {
  let processed = 0;
  let total: number | undefined;
  let saved = 0;
  let saving: Promise<void> | undefined;
  const save = (): Promise<void> => {
    const figures = { processed, total: total ?? null, heartbeatAt: new Date() };
    saved = processed;
    saving = ExportJobModel.updateOne({ jobId, status: 'running' }, { $set: figures })
      .then(
        () => undefined,
        () => undefined, // progress is best effort; the final update says how it ended
      )
      .then(() => {
        saving = undefined;
        if (processed - saved >= PROGRESS_EVERY) return save();
      });
    return saving;
  };
  return {
    get processed() {
      return processed;
    },
    report(progress: { processed: number; total: number | undefined }) {
      processed = progress.processed;
      total = progress.total;
      if (!saving && processed - saved >= PROGRESS_EVERY) void save();
    },
    async settle() {
      while (saving) await saving;
    },
  };
}

/** The job, to its owner only; anyone else (or an unknown id) gets undefined. */
/** `now` is real time, as the heartbeats are (tests pass their own). */
export async function getExportJob(jobId: string, ownerId: string | Types.ObjectId, now = new Date()): Promise<ExportJob | undefined> {
  if (typeof jobId !== 'string' || !JOB_ID.test(jobId)) return undefined;
  const stored = await ExportJobModel.findOne({ jobId, ownerId: String(ownerId) }, { _id: 0 }).lean<StoredJob>();
  if (!stored) return undefined;
  const lastSign = stored.heartbeatAt ?? stored.createdAt;
  if (stored.status === 'running' && now.getTime() - lastSign.getTime() > STALE_AFTER_MS) {
    const ended = { status: 'failed' as const, error: INTERRUPTED, finishedAt: now };
    // Only a job still `running` is marked: a late finish by a live process wins.
    await ExportJobModel.updateOne({ jobId, status: 'running' }, { $set: ended });
    return view({ ...stored, ...ended });
  }
  return view(stored);
}
