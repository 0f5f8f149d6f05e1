import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import mongoose from 'mongoose';
import { seedLedger } from '../../bench/export/seed';
import { verifyLedger } from '../../src/ledger';
import { ExportInputError, ExportJobModel, exportJobFilePath, getExportJob, INTERRUPTED, PROGRESS_EVERY, STALE_AFTER_MS, startExportJob } from '../../src/ledger/exports';
import { useTestDatabase } from '../support/database';
import { seedDistrict } from './fixtures';

useTestDatabase();

const owner = '650000000000000000000001';
const someoneElse = '650000000000000000000002';

describe('export jobs', () => {
  beforeAll(async () => {
    await seedDistrict();
  });

  it('runs in the background to done, with processed = total and the file in DATA_DIR/exports', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-jobs-'));
    const { job, done } = await startExportJob({ ownerId: owner, filters: { trainingYear: 2026, schoolCodes: ['S001', 'S002'] }, format: 'xlsx', profileId: 'default', dataDir });
    expect(job).toMatchObject({ status: 'running', processed: 0, total: null, format: 'xlsx', fileName: `${job.jobId}.xlsx`, downloadName: 'ledger-2026.xlsx' });
    expect(job.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(await getExportJob(job.jobId, owner)).toMatchObject({ jobId: job.jobId, status: expect.stringMatching(/running|done/) });

    const finished = await done;
    expect(finished).toMatchObject({ status: 'done', processed: 9, total: 9, teachers: 3, entries: 6 });
    const stored = await getExportJob(job.jobId, owner);
    expect(stored).toMatchObject({ status: 'done', processed: 9, total: 9, teachers: 3, entries: 6, filters: { trainingYear: 2026, schoolCodes: ['S001', 'S002'] } });
    expect(stored!.finishedAt).toBeInstanceOf(Date);
    expect(stored!.error).toBeUndefined();
    const file = exportJobFilePath(dataDir, stored!);
    expect(file).toBe(path.join(dataDir, 'exports', `${job.jobId}.xlsx`));
    const book = await new ExcelJS.Workbook().xlsx.readFile(file);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['summary', 'detail']);
  });

  it('shows a job to its owner only', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-jobs-'));
    const { job, done } = await startExportJob({ ownerId: owner, filters: { trainingYear: 2026 }, format: 'csv', profileId: 'default', dataDir });
    await done;
    expect(await getExportJob(job.jobId, someoneElse)).toBeUndefined();
    expect(await getExportJob('not-a-job', owner)).toBeUndefined();
    expect(await getExportJob({ $ne: null } as never, owner)).toBeUndefined();
    expect(await getExportJob(job.jobId, owner)).toMatchObject({ status: 'done', fileName: `${job.jobId}.csv`, downloadName: 'ledger-2026.csv' });
    expect(readFileSync(path.join(dataDir, 'exports', `${job.jobId}.csv`), 'utf8').startsWith('\uFEFF教师 (Teacher)')).toBe(true);
  });

  it('ends failed, with the error, when the export cannot be written', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-jobs-'));
    writeFileSync(path.join(dataDir, 'exports'), 'a file where the exports folder should be');
    const { job, done } = await startExportJob({ ownerId: owner, filters: { trainingYear: 2026 }, format: 'csv', profileId: 'default', dataDir });
    const finished = await done;
    expect(finished).toMatchObject({ status: 'failed', error: expect.stringMatching(/EEXIST|ENOTDIR/) });
    const stored = await getExportJob(job.jobId, owner);
    expect(stored).toMatchObject({ status: 'failed', error: finished.error });
    expect(stored!.finishedAt).toBeInstanceOf(Date);
    expect(existsSync(path.join(dataDir, 'exports', `${job.jobId}.csv`))).toBe(false);
  });

  it('ends a job as interrupted once its process has saved nothing for too long, and only then', async () => {
    const startedAt = new Date('2026-11-01T08:00:00Z');
    const running = (jobId: string) => ({
      jobId,
      ownerId: owner,
      filters: { trainingYear: 2026 },
      format: 'csv' as const,
      profileId: 'default',
      status: 'running' as const,
      processed: 3000,
      total: 9000,
      fileName: `${jobId}.csv`,
      createdAt: startedAt,
      heartbeatAt: startedAt,
    });
    await ExportJobModel.insertMany([running('a'.repeat(32)), running('b'.repeat(32))]);

    const alive = await getExportJob('a'.repeat(32), owner, new Date(startedAt.getTime() + STALE_AFTER_MS - 1000));
    expect(alive).toMatchObject({ status: 'running', processed: 3000 });

    const later = new Date(startedAt.getTime() + STALE_AFTER_MS + 1000);
    expect(await getExportJob('b'.repeat(32), owner, later)).toMatchObject({ status: 'failed', error: INTERRUPTED, finishedAt: later });
    expect(await ExportJobModel.findOne({ jobId: 'b'.repeat(32) }).lean()).toMatchObject({ status: 'failed', error: INTERRUPTED });
    // A job that finished is never rewritten, however old.
    await ExportJobModel.updateOne({ jobId: 'a'.repeat(32) }, { $set: { status: 'done', finishedAt: startedAt } });
    expect(await getExportJob('a'.repeat(32), owner, later)).toMatchObject({ status: 'done' });
  });

  it('refuses bad filters and profiles before creating a job', async () => {
    const before = await ExportJobModel.countDocuments();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-jobs-'));
    await expect(startExportJob({ ownerId: owner, filters: { trainingYear: 'soon' } as never, format: 'csv', profileId: 'default', dataDir })).rejects.toBeInstanceOf(ExportInputError);
    await expect(startExportJob({ ownerId: owner, filters: { trainingYear: 2026 }, format: 'csv', profileId: 'missing', dataDir })).rejects.toBeInstanceOf(ExportInputError);
    await expect(startExportJob({ ownerId: owner, filters: { trainingYear: 2026 }, format: 'pdf' as never, profileId: 'default', dataDir })).rejects.toThrow(/format: must be one of csv, xlsx/);
    expect(await ExportJobModel.countDocuments()).toBe(before);
  });

  it('saves progress every thousand rows while it runs (on valid entries seeded as the benchmark does)', async () => {
    const db = mongoose.connection.db!;
    await seedLedger(db, { teachers: 150, entriesPerTeacher: 10, trainingYear: 2031 });
    expect((await verifyLedger()).breaks).toEqual([]);
    const spy = jest.spyOn(ExportJobModel, 'updateOne');
    const saved: Record<string, unknown>[] = [];
    try {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'shixun-jobs-'));
      const { done } = await startExportJob({ ownerId: owner, filters: { trainingYear: 2031 }, format: 'csv', profileId: 'default', dataDir });
      expect(await done).toMatchObject({ status: 'done', processed: 1500, total: 1500, entries: 1500 });
      for (const call of spy.mock.calls) saved.push((call[1] as { $set: Record<string, unknown> }).$set);
    } finally {
      spy.mockRestore();
    }
    expect(PROGRESS_EVERY).toBe(1000);
    expect(saved).toHaveLength(2);
    expect(saved[0]!.processed).toBeGreaterThanOrEqual(1000);
    expect(saved[0]!.processed).toBeLessThan(1500);
    expect(saved[1]).toMatchObject({ status: 'done', processed: 1500, total: 1500 });
  });
});
