import { Router, type Request } from 'express';
import { z } from 'zod';
import { findModuleVersion, idSchema, listLatestModules, sanitizeLessonHtml } from '../../courses';
import {
  findProgress,
  listLearnerProgress,
  markLessonStudied,
  moduleVersionForLearner,
  recordLessonOpened,
  summarizeProgress,
} from '../../progress';
import { completeIfEligible, currentCompletion, listCompletions } from '../../completion';
import { assessmentStatus } from '../../quiz';
import type { Clock } from '../app';
import { requireUser } from '../auth';
import { nextStep } from './quiz';
import { notFound } from '../http-error';

const moduleParams = z.object({ moduleId: idSchema });
const lessonParams = z.object({ moduleId: idSchema, version: z.coerce.number().int().min(1).max(1_000_000), lessonId: idSchema });

/** Malformed ids are simply pages that do not exist. */
function parseParams<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  const parsed = schema.safeParse(req.params);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

async function loadLessonContext(req: Request) {
  const { moduleId, version, lessonId } = parseParams(lessonParams, req);
  const module = await findModuleVersion(moduleId, version);
  const index = module?.lessons.findIndex((lesson) => lesson.id === lessonId) ?? -1;
  if (!module || index < 0) throw notFound();
  return { module, index, lesson: module.lessons[index]! };
}

export function learnerRoutes(clock: Clock, log: (line: string) => void): Router {
  // Guarded route by route (not router.use) so unknown paths stay 404 for everyone.
  const router = Router();

  router.get('/catalog', requireUser, async (req, res) => {
    const now = clock();
    const started = new Map((await listLearnerProgress(req.user!._id)).map((row) => [row.module.moduleId, row.summary]));
    const completed = new Set(
      (await listCompletions(req.user!._id)).filter((c) => !c.validUntil || c.validUntil > now).map((c) => c.moduleId),
    );
    const tracks = (await listLatestModules()).map((group) => ({
      ...group,
      modules: group.modules.map((module) => ({
        ...module,
        progress: started.get(module.moduleId),
        completed: completed.has(module.moduleId),
      })),
    }));
    res.render('catalog', { tracks });
  });

  router.get('/modules/:moduleId', requireUser, async (req, res) => {
    const { moduleId } = parseParams(moduleParams, req);
    const module = await moduleVersionForLearner(req.user!._id, moduleId);
    if (!module) throw notFound('module.notFound');
    const progress = await findProgress(req.user!._id, module);
    const summary = summarizeProgress(module, progress);
    const now = clock();
    const status = await assessmentStatus(req.user!._id, module, now);
    res.render('module', {
      module,
      summary,
      status,
      next: nextStep(status),
      completion: await currentCompletion(req.user!._id, module.moduleId, now),
      started: progress !== null,
      lessons: module.lessons.map((lesson) => ({ ...lesson, studied: summary.studiedLessonIds.includes(lesson.id) })),
    });
  });

  router.get('/modules/:moduleId/v/:version/lessons/:lessonId', requireUser, async (req, res) => {
    const { module, index, lesson } = await loadLessonContext(req);
    await recordLessonOpened(req.user!._id, module, lesson.id, clock());
    const summary = summarizeProgress(module, await findProgress(req.user!._id, module));
    const wait = z.coerce.number().int().min(1).max(3600).safeParse(req.query.wait);
    res.render('lesson', {
      module,
      // Sanitised at import and again here: stored HTML is never trusted to be what import wrote.
      lesson: { ...lesson, html: sanitizeLessonHtml(lesson.html) },
      position: { index: index + 1, total: module.lessons.length },
      previous: module.lessons[index - 1],
      next: module.lessons[index + 1],
      studied: summary.studiedLessonIds.includes(lesson.id),
      summary,
      waitSeconds: wait.success ? wait.data : undefined,
    });
  });

  router.post('/modules/:moduleId/v/:version/lessons/:lessonId/studied', requireUser, async (req, res) => {
    const { module, index, lesson } = await loadLessonContext(req);
    const now = clock();
    const result = await markLessonStudied(req.user!._id, module, lesson.id, now);
    const lessonUrl = (id: string) => `/modules/${module.moduleId}/v/${module.version}/lessons/${id}`;
    if (result.status === 'too-soon') return res.redirect(303, `${lessonUrl(lesson.id)}?wait=${result.secondsRemaining}`);
    if (result.status === 'not-opened') return res.redirect(303, lessonUrl(lesson.id));
    await completeIfEligible(req.user!._id, module, now, log);
    const next = module.lessons[index + 1];
    res.redirect(303, next ? lessonUrl(next.id) : `/modules/${module.moduleId}`);
  });

  router.get('/progress', requireUser, async (req, res) => {
    res.render('progress', { rows: await listLearnerProgress(req.user!._id) });
  });

  return router;
}
