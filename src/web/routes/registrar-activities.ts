import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { CATEGORIES } from '../../courses';
import { TRAINING_MODES } from '../../ledger';
import {
  ActivityConflictError,
  ActivityForbiddenError,
  ActivityInputError,
  ActivityNotFoundError,
  approveActivity,
  commitImport,
  dryRunImport,
  EvidenceRejectedError,
  getActivity,
  ImportRefusedError,
  listActivities,
  MAX_EVIDENCE_BYTES,
  MAX_IMPORT_BYTES,
  OfflineActivityModel,
  readEvidence,
  recordActivity,
  rejectActivity,
  storeEvidence,
  type Actor,
} from '../../ledger/activities';
import { listTeachers, type User } from '../../users';
import { requireRole } from '../auth';
import { badRequest, HttpError, notFound } from '../http-error';
import { schoolScope } from './registrar';

const MAX_EVIDENCE_FILES = 5;

const actorOf = (user: User): Actor => ({ id: user._id.toString(), name: user.displayName, roles: user.roles, scopeSchoolCodes: user.scopeSchoolCodes });

/** Domain refusals become the page a person can act on; anything else is a real error. */
function asHttpError(error: unknown): unknown {
  if (error instanceof ActivityInputError || error instanceof EvidenceRejectedError || error instanceof ImportRefusedError) {
    return badRequest('problems' in error && Array.isArray(error.problems) ? [...(error.problems as string[])] : [error.message]);
  }
  if (error instanceof ActivityForbiddenError) return new HttpError(403, 'errors.forbiddenTitle', 'errors.forbiddenBody');
  if (error instanceof ActivityNotFoundError) return notFound();
  if (error instanceof ActivityConflictError) return new HttpError(409, 'activities.conflictTitle', 'activities.conflict');
  return error;
}

const statusQuery = z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() });
const activityParams = z.object({ activityId: z.string().regex(/^[A-Za-z0-9_-]{6,80}$/) });
const rejectBody = z.object({ reason: z.string().trim().min(1).max(500) });
const checksumBody = z.object({ checksum: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * Multipart bodies must be parsed before the CSRF check reads `_csrf` from them, so this runs
 * ahead of it in app.ts, and only for signed-in registrars and admins: anyone else's upload is
 * never read, and their request then fails the CSRF or role check.
 */
export function registrarUploads() {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: Math.max(MAX_EVIDENCE_BYTES, MAX_IMPORT_BYTES), files: MAX_EVIDENCE_FILES, fields: 50 } });
  const evidence = upload.array('evidence', MAX_EVIDENCE_FILES);
  const importFile = upload.single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    const staff = req.user?.roles.some((role) => role === 'registrar' || role === 'admin');
    if (req.method !== 'POST' || !staff || !req.is('multipart/form-data')) return next();
    const handler = req.path === '/registrar/activities' ? evidence : req.path === '/registrar/activities/import' ? importFile : undefined;
    if (!handler) return next();
    handler(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) return next(badRequest([res.locals.t('activities.uploadTooLarge')]));
      next(error);
    });
  };
}

export function registrarActivityRoutes(dataDir: string): Router {
  const router = Router();
  const registrars = requireRole('registrar');
  const importsDir = path.join(dataDir, 'imports');

  router.get('/registrar/activities', registrars, async (req, res) => {
    const query = statusQuery.safeParse(req.query);
    const activities = await listActivities(actorOf(req.user!), { status: query.success ? query.data.status : undefined });
    res.render('registrar/activities', { activities, status: query.success ? query.data.status : undefined });
  });

  router.get('/registrar/activities/new', registrars, async (req, res) => {
    const teachers = await listTeachers({ schoolCodes: schoolScope(req.user!) });
    res.render('registrar/activity-new', { teachers, modes: TRAINING_MODES, categories: CATEGORIES, today: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10) });
  });

  router.post('/registrar/activities', registrars, async (req, res) => {
    const body = req.body as Record<string, string | string[] | undefined>;
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    try {
      const evidence = [];
      for (const file of files) evidence.push(await storeEvidence({ buffer: file.buffer, originalName: file.originalname, declaredType: file.mimetype }, dataDir));
      const teacherIds = body.teacherIds === undefined ? [] : Array.isArray(body.teacherIds) ? body.teacherIds : [body.teacherIds];
      const activity = await recordActivity(
        {
          title: String(body.title ?? ''),
          trainingMode: String(body.trainingMode ?? ''),
          category: body.category ? String(body.category) : undefined,
          hours: String(body.hours ?? ''),
          occurredAt: String(body.occurredAt ?? ''),
          teacherIds,
          evidence,
          notes: body.notes ? String(body.notes) : undefined,
        },
        actorOf(req.user!),
      );
      res.redirect(303, `/registrar/activities/${activity.activityId}`);
    } catch (error) {
      throw asHttpError(error);
    }
  });

  router.get('/registrar/activities/import', registrars, (_req, res) => {
    res.render('registrar/activity-import', {});
  });

  // Dry run: every bad row is reported and nothing is written. The file is kept under its
  // checksum so the confirmation does not need a second upload.
  router.post('/registrar/activities/import', registrars, async (req, res) => {
    const file = req.file;
    if (!file) throw badRequest([res.locals.t('activities.noFile')]);
    try {
      const report = await dryRunImport({ buffer: file.buffer, originalName: file.originalname }, actorOf(req.user!));
      await mkdir(importsDir, { recursive: true });
      await writeFile(path.join(importsDir, report.checksum), file.buffer);
      res.status(report.errors.length > 0 ? 422 : 200).render('registrar/activity-import', { report, fileName: file.originalname });
    } catch (error) {
      throw asHttpError(error);
    }
  });

  router.post('/registrar/activities/import/commit', registrars, async (req, res) => {
    const body = checksumBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('activities.noFile')]);
    const buffer = await readFile(path.join(importsDir, body.data.checksum)).catch(() => undefined);
    if (!buffer) throw badRequest([res.locals.t('activities.noFile')]);
    try {
      const result = await commitImport({ buffer }, actorOf(req.user!), { expectedChecksum: body.data.checksum });
      res.render('registrar/activity-import', { committed: result });
    } catch (error) {
      throw asHttpError(error);
    }
  });

  router.get('/registrar/activities/:activityId', registrars, async (req, res) => {
    const params = activityParams.safeParse(req.params);
    if (!params.success) throw notFound();
    try {
      const activity = await getActivity(params.data.activityId, actorOf(req.user!));
      const teachers = await listTeachers({ schoolCodes: activity.schoolCodes });
      const ids = new Set(activity.teacherIds.map((id) => id.toString()));
      res.render('registrar/activity', { activity, teachers: teachers.filter((t) => ids.has(t._id.toString())), pending: activity.status === 'pending' });
    } catch (error) {
      throw asHttpError(error);
    }
  });

  router.post('/registrar/activities/:activityId/approve', registrars, async (req, res) => {
    const params = activityParams.safeParse(req.params);
    if (!params.success) throw notFound();
    try {
      await approveActivity(params.data.activityId, actorOf(req.user!));
    } catch (error) {
      throw asHttpError(error);
    }
    res.redirect(303, `/registrar/activities/${params.data.activityId}`);
  });

  router.post('/registrar/activities/:activityId/reject', registrars, async (req, res) => {
    const params = activityParams.safeParse(req.params);
    const body = rejectBody.safeParse(req.body);
    if (!params.success) throw notFound();
    if (!body.success) throw badRequest([res.locals.t('activities.reasonRequired')]);
    try {
      await rejectActivity(params.data.activityId, body.data.reason, actorOf(req.user!));
    } catch (error) {
      throw asHttpError(error);
    }
    res.redirect(303, `/registrar/activities/${params.data.activityId}`);
  });

  /** Evidence is served as a download that no browser will render inline or sniff. */
  router.get('/registrar/evidence/:fileId', registrars, async (req, res) => {
    const fileId = String(req.params.fileId);
    const owner = await OfflineActivityModel.findOne({ 'evidence.fileId': fileId }, { activityId: 1 }).lean<{ activityId: string }>();
    if (!owner) throw notFound();
    try {
      await getActivity(owner.activityId, actorOf(req.user!));
      const file = await readEvidence(fileId, dataDir);
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.attachment(file.downloadName);
      file.stream.pipe(res);
    } catch (error) {
      throw asHttpError(error);
    }
  });

  return router;
}
