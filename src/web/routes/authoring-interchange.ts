import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { canEdit, DraftConflictError, getDraft, type ModuleDraft } from '../../authoring';
import {
  addQuestionsToDraft,
  applyImport,
  convertQuestions,
  DraftNotExportableError,
  exportDraftZip,
  exportPublishedZip,
  ImportHasErrorsError,
  ImportPlanChangedError,
  MAX_QUESTION_TEXT_BYTES,
  planImport,
  QUESTION_FORMATS,
  ZIP_LIMITS,
  type ImportPlan,
} from '../../authoring/interchange';
import { formatCourseError, idSchema } from '../../courses';
import type { Clock } from '../app';
import { requireRole } from '../auth';
import { badRequest, HttpError, notFound } from '../http-error';

const IMPORT_PATH = '/authoring/import';
const QUESTIONS_PATH = /^\/authoring\/[a-z][a-z0-9-]*\/questions\/import(\/confirm)?$/;
/** A dry run waits this long for its confirmation; older uploads are swept. */
const KEEP_UPLOADS_MS = 24 * 3600_000;

const draftParams = z.object({ draftId: idSchema });
const confirmImportBody = z.object({ checksum: z.string().regex(/^[0-9a-f]{64}$/), fingerprint: z.string().regex(/^[0-9a-f]{64}$/) });
const questionsBody = z.object({ format: z.enum(QUESTION_FORMATS), text: z.string().max(MAX_QUESTION_TEXT_BYTES).default('') });
const confirmQuestionsBody = questionsBody.extend({ revision: z.coerce.number().int().min(1) });

/**
 * Multipart bodies must be parsed before the CSRF check reads `_csrf` from them, so this runs
 * ahead of it in app.ts, for signed-in trainers and admins on these paths only.
 */
export function interchangeUploads() {
  const zip = multer({ storage: multer.memoryStorage(), limits: { fileSize: ZIP_LIMITS.maxZipBytes, files: 1, fields: 5 } }).single('file');
  const text = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_QUESTION_TEXT_BYTES, fieldSize: MAX_QUESTION_TEXT_BYTES, files: 1, fields: 6 } }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    const trainer = req.user?.roles.some((role) => role === 'trainer' || role === 'admin');
    if (req.method !== 'POST' || !trainer || !req.is('multipart/form-data')) return next();
    const handler = req.path === IMPORT_PATH ? zip : QUESTIONS_PATH.test(req.path) ? text : undefined;
    if (!handler) return next();
    handler(req, res, (error?: unknown) => {
      if (error instanceof multer.MulterError) return next(badRequest([res.locals.t('interchange.uploadTooLarge')]));
      next(error);
    });
  };
}

/** The draft in the URL, for someone who may change it. */
async function editableDraft(req: Request): Promise<ModuleDraft> {
  const params = draftParams.safeParse(req.params);
  const draft = params.success ? await getDraft(params.data.draftId) : null;
  if (!draft) throw notFound();
  if (!canEdit(req.user!, draft)) throw new HttpError(403, 'errors.forbiddenTitle', 'interchange.notEditor');
  return draft;
}

function sendZip(res: Response, fileName: string, bytes: Uint8Array): void {
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.send(Buffer.from(bytes));
}

/** Question files from Chinese Windows are often GB18030, not UTF-8; both are read. */
function decodeText(buffer: Buffer): { text: string; decodedAs: 'utf-8' | 'gb18030' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buffer), decodedAs: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(buffer), decodedAs: 'gb18030' };
  }
}

function planView(plan: ImportPlan) {
  const pending = plan.modules.filter((module) => module.action === 'create' || module.action === 'update').length;
  return {
    ...plan,
    errorLines: plan.errors.map(formatCourseError),
    canApply: plan.errors.length === 0 && pending > 0,
    pending,
  };
}

export function interchangeRoutes(clock: Clock, dataDir: string, log: (line: string) => void): Router {
  const router = Router();
  const trainers = requireRole('trainer');
  const uploadsDir = path.join(dataDir, 'authoring-imports');
  const storedZip = (checksum: string) => path.join(uploadsDir, `${checksum}.zip`);

  async function keepUpload(checksum: string, bytes: Buffer): Promise<void> {
    await mkdir(uploadsDir, { recursive: true });
    const cutoff = clock().getTime() - KEEP_UPLOADS_MS;
    for (const name of await readdir(uploadsDir)) {
      const file = path.join(uploadsDir, name);
      if ((await stat(file)).mtimeMs < cutoff) await rm(file, { force: true });
    }
    await writeFile(storedZip(checksum), bytes);
  }

  router.get('/authoring/export', trainers, async (_req, res) => {
    const { fileName, bytes } = await exportPublishedZip();
    sendZip(res, fileName, bytes);
  });

  router.get(IMPORT_PATH, trainers, (req, res) => {
    res.render('authoring/interchange-import', { pageTitle: res.locals.t('interchange.import.title'), limitMb: ZIP_LIMITS.maxZipBytes / 1024 / 1024 });
  });

  router.post(IMPORT_PATH, trainers, async (req, res) => {
    const file = req.file;
    if (!file) throw badRequest([res.locals.t('interchange.import.fileMissing')]);
    const plan = await planImport(file.buffer, req.user!);
    if (plan.errors.length === 0) await keepUpload(plan.checksum, file.buffer);
    res.render('authoring/interchange-import', {
      pageTitle: res.locals.t('interchange.import.title'),
      limitMb: ZIP_LIMITS.maxZipBytes / 1024 / 1024,
      fileName: file.originalname,
      plan: planView(plan),
    });
  });

  router.post(`${IMPORT_PATH}/confirm`, trainers, async (req, res) => {
    const body = confirmImportBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('interchange.import.expired')]);
    const bytes = await readFile(storedZip(body.data.checksum)).catch(() => undefined);
    if (!bytes) throw badRequest([res.locals.t('interchange.import.expired')]);
    try {
      const outcome = await applyImport(bytes, req.user!, clock(), body.data.fingerprint);
      await rm(storedZip(body.data.checksum), { force: true });
      log(`authoring import by ${req.user!._id.toString()}: created ${outcome.created.join(',') || '-'}; updated ${outcome.updated.join(',') || '-'}; conflicts ${outcome.conflicts.join(',') || '-'}`);
      res.render('authoring/interchange-import', { pageTitle: res.locals.t('interchange.import.title'), outcome });
    } catch (error) {
      if (!(error instanceof ImportPlanChangedError || error instanceof ImportHasErrorsError)) throw error;
      // Show the dry run as it is now; the person decides again.
      const plan = await planImport(bytes, req.user!);
      res.status(409).render('authoring/interchange-import', {
        pageTitle: res.locals.t('interchange.import.title'),
        limitMb: ZIP_LIMITS.maxZipBytes / 1024 / 1024,
        changedSinceDryRun: true,
        plan: planView(plan),
      });
    }
  });

  router.get('/authoring/:draftId/export.zip', trainers, async (req, res) => {
    const draft = await editableDraft(req);
    try {
      const { fileName, bytes } = await exportDraftZip(draft);
      sendZip(res, fileName, bytes);
    } catch (error) {
      if (!(error instanceof DraftNotExportableError)) throw error;
      throw new HttpError(400, 'interchange.export.invalidTitle', 'interchange.export.invalidBody', error.errors.map((problem) => `${problem.path}: ${problem.message}`));
    }
  });

  router.get('/authoring/:draftId/questions/import', trainers, async (req, res) => {
    const draft = await editableDraft(req);
    res.render('authoring/interchange-questions', { pageTitle: res.locals.t('interchange.questions.title'), draft, format: 'gift', limitKb: MAX_QUESTION_TEXT_BYTES / 1024 });
  });

  router.post('/authoring/:draftId/questions/import', trainers, async (req, res) => {
    const draft = await editableDraft(req);
    const body = questionsBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('interchange.questions.invalid')]);
    const upload = req.file ? decodeText(req.file.buffer) : undefined;
    const text = upload?.text ?? body.data.text;
    if (!text.trim()) throw badRequest([res.locals.t('interchange.questions.empty')]);
    const report = convertQuestions(draft, body.data.format, text);
    res.render('authoring/interchange-questions', {
      pageTitle: res.locals.t('interchange.questions.title'),
      draft,
      format: body.data.format,
      limitKb: MAX_QUESTION_TEXT_BYTES / 1024,
      text,
      fileName: req.file?.originalname,
      decodedAsGb18030: upload?.decodedAs === 'gb18030',
      report: {
        ...report,
        errorCount: report.problems.filter((problem) => problem.severity === 'error').length,
        warningCount: report.problems.filter((problem) => problem.severity === 'warning').length,
      },
    });
  });

  router.post('/authoring/:draftId/questions/import/confirm', trainers, async (req, res) => {
    const draft = await editableDraft(req);
    const body = confirmQuestionsBody.safeParse(req.body);
    if (!body.success) throw badRequest([res.locals.t('interchange.questions.invalid')]);
    try {
      const { imported } = await addQuestionsToDraft(draft.moduleId, body.data.revision, body.data.format, body.data.text, req.user!, clock());
      if (imported.items.length === 0) throw badRequest([res.locals.t('interchange.questions.nothingToAdd')]);
    } catch (error) {
      if (error instanceof DraftConflictError) throw new HttpError(409, 'interchange.conflictTitle', 'interchange.conflictBody');
      throw error;
    }
    res.redirect(303, `/authoring/${draft.moduleId}#questions`);
  });

  return router;
}
