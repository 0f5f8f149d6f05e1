import { createReadStream } from 'node:fs';
import { Router } from 'express';
import { z } from 'zod';
import { CATEGORIES } from '../../courses';
import { exportJobFilePath, getExportJob, startExportJob, ExportInputError, EXPORT_FORMATS, CSV_SHEETS } from '../../ledger/exports';
import { trainingYearOf, type PolicyProfile } from '../../ledger/policies';
import { listSchools } from '../../users';
import type { Clock } from '../app';
import { requireRole } from '../auth';
import { badRequest, HttpError, notFound } from '../http-error';
import { schoolScope } from './registrar';

const exportForm = z.object({
  year: z.coerce.number().int().min(2000).max(2100),
  school: z.string().max(80).default(''),
  category: z.union([z.literal(''), z.enum(CATEGORIES)]).default(''),
  status: z.union([z.literal(''), z.enum(['met', 'short'])]).default(''),
  format: z.enum(EXPORT_FORMATS),
  sheet: z.enum(CSV_SHEETS).default('detail'),
});
const jobParams = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });

/** Exports run as background jobs: a page shows their progress and offers the file when done. */
export function registrarExportRoutes(clock: Clock, profile: PolicyProfile, dataDir: string): Router {
  const router = Router();
  const registrars = requireRole('registrar');

  const ownJob = async (jobId: unknown, ownerId: string) => {
    const params = jobParams.safeParse({ jobId });
    const job = params.success ? await getExportJob(params.data.jobId, ownerId) : undefined;
    if (!job) throw notFound();
    return job;
  };

  router.get('/registrar/exports', registrars, async (req, res) => {
    const scope = schoolScope(req.user!);
    const year = trainingYearOf(clock(), profile.trainingYearStartMonth);
    res.render('registrar/exports', {
      schools: (await listSchools()).filter((school) => scope === undefined || scope.includes(school.code)),
      years: [year, year - 1, year - 2],
      categories: CATEGORIES,
    });
  });

  router.post('/registrar/exports', registrars, async (req, res) => {
    const scope = schoolScope(req.user!);
    const form = exportForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('exports.invalid')]);
    const { year, school, category, status, format, sheet } = form.data;
    if (school && scope && !scope.includes(school)) throw new HttpError(403, 'errors.forbiddenTitle', 'errors.forbiddenBody');
    try {
      const started = await startExportJob({
        ownerId: req.user!._id,
        filters: {
          trainingYear: year,
          schoolCodes: school ? [school] : scope,
          category: category || undefined,
          requirementStatus: status || undefined,
        },
        format,
        sheet: format === 'csv' ? sheet : undefined,
        profileId: profile.id,
        dataDir,
      });
      res.redirect(303, `/registrar/exports/${started.job.jobId}`);
    } catch (error) {
      if (error instanceof ExportInputError) throw badRequest([...error.problems]);
      throw error;
    }
  });

  router.get('/registrar/exports/:jobId', registrars, async (req, res) => {
    const job = await ownJob(req.params.jobId, req.user!._id.toString());
    const percent = job.status === 'done' ? 100 : job.total ? Math.floor((job.processed / job.total) * 100) : 0;
    if (req.accepts(['html', 'json']) === 'json') {
      return res.json({ status: job.status, processed: job.processed, total: job.total, percent, error: job.error ?? null });
    }
    res.render('registrar/export-job', { job, percent, running: job.status === 'running' });
  });

  router.get('/registrar/exports/:jobId/download', registrars, async (req, res) => {
    const job = await ownJob(req.params.jobId, req.user!._id.toString());
    if (job.status !== 'done') throw notFound();
    res.setHeader('Content-Type', job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.attachment(job.downloadName);
    createReadStream(exportJobFilePath(dataDir, job)).pipe(res);
  });

  return router;
}
