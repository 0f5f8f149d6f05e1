import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { completeIfEligible, currentCompletion } from '../../completion';
import { findModuleVersion, idSchema, type ModuleVersion } from '../../courses';
import { findProgress, summarizeProgress } from '../../progress';
import {
  assessmentStatus,
  loadAttempt,
  presentOpenAttempt,
  reviewAttempt,
  saveResponses,
  startAttempt,
  submitAttempt,
  timeRemaining,
  type AssessmentStatus,
  type OpenAttempt,
  type Rejection,
} from '../../quiz';
import { requireUser } from '../auth';
import { HttpError, notFound } from '../http-error';
import { answersFromForm } from '../quiz-form';
import { questionViews } from '../quiz-view';
import type { Clock } from '../app';

const moduleVersionParams = z.object({ moduleId: idSchema, version: z.coerce.number().int().min(1).max(1_000_000) });
const attemptParams = z.object({ attemptId: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });

type FormBody = Record<string, string | string[] | undefined>;

export function quizRoutes(clock: Clock, log: (line: string) => void): Router {
  const router = Router();

  /** An attempt of the signed-in learner with its module, or a 404 that looks like any unknown id. */
  async function loadOwnAttempt(req: Request): Promise<{ open: OpenAttempt; module: ModuleVersion }> {
    const params = attemptParams.safeParse(req.params);
    if (!params.success) throw notFound();
    const open = await loadAttempt(params.data.attemptId, req.user!._id);
    const module = open && (await findModuleVersion(open.attempt.moduleId, open.attempt.moduleVersion));
    if (!open || !module?.assessment) throw notFound();
    return { open, module };
  }

  function renderAttempt(res: Response, open: OpenAttempt, module: ModuleVersion, values?: Record<string, unknown>, rejections: Rejection[] = []): void {
    const { items } = presentOpenAttempt(open);
    const remainingMs = timeRemaining(open.attempt.deadline, clock());
    res.render('attempt', {
      module,
      attempt: open.attempt,
      questions: questionViews(open, items, res.locals.t, values, rejections),
      hasErrors: rejections.length > 0,
      deadlineIso: open.attempt.deadline?.toISOString(),
      remainingSeconds: remainingMs === undefined ? undefined : Math.floor(remainingMs / 1000),
    });
  }

  router.post('/modules/:moduleId/v/:version/attempts', requireUser, async (req, res) => {
    const params = moduleVersionParams.safeParse(req.params);
    if (!params.success) throw notFound();
    const module = await findModuleVersion(params.data.moduleId, params.data.version);
    if (!module?.assessment) throw notFound();
    // Lessons first: the assessment checks what the lessons teach.
    if (!summarizeProgress(module, await findProgress(req.user!._id, module)).lessonsDone) {
      throw new HttpError(409, 'quiz.lessonsFirstTitle', 'quiz.lessonsFirst');
    }
    const outcome = await startAttempt(req.user!._id, module, clock());
    if (outcome.started || outcome.attemptId) return res.redirect(303, `/attempts/${outcome.started ? outcome.attemptId : outcome.attemptId}`);
    res.redirect(303, `/modules/${module.moduleId}`);
  });

  router.get('/attempts/:attemptId', requireUser, async (req, res) => {
    const { open, module } = await loadOwnAttempt(req);
    if (open.result) return res.redirect(303, `/attempts/${open.attempt.attemptId}/result`);
    renderAttempt(res, open, module);
  });

  router.post('/attempts/:attemptId/save', requireUser, async (req, res) => {
    const { open, module } = await loadOwnAttempt(req);
    const answers = answersFromForm(presentOpenAttempt(open).items, req.body as FormBody);
    const outcome = await saveResponses(open, answers, clock());
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    if ('closed' in outcome) {
      if (wantsJson) return res.status(409).json({ closed: outcome.closed, message: res.locals.t(`quiz.closed.${outcome.closed}`) });
      return res.redirect(303, `/attempts/${open.attempt.attemptId}/result`);
    }
    if (wantsJson) {
      return res.json({ saved: outcome.saved.length, rejected: outcome.rejected.map((r) => r.itemKey), savedAt: clock().toISOString() });
    }
    if (outcome.rejected.length > 0) {
      res.status(400);
      return renderAttempt(res, open, module, answers, outcome.rejected);
    }
    res.redirect(303, `/attempts/${open.attempt.attemptId}?saved=1`);
  });

  router.post('/attempts/:attemptId/submit', requireUser, async (req, res) => {
    const { open, module } = await loadOwnAttempt(req);
    const answers = answersFromForm(presentOpenAttempt(open).items, req.body as FormBody);
    const now = clock();
    const outcome = await submitAttempt(open, module.assessment!, answers, now);
    if ('rejected' in outcome) {
      // Keep every valid answer before asking the learner to fix the rest.
      await saveResponses(open, answers, now);
      res.status(400);
      return renderAttempt(res, open, module, answers, outcome.rejected);
    }
    if (outcome.result.grade.passed) await completeIfEligible(req.user!._id, module, now, log);
    res.redirect(303, `/attempts/${open.attempt.attemptId}/result`);
  });

  router.get('/attempts/:attemptId/result', requireUser, async (req, res) => {
    const { open, module } = await loadOwnAttempt(req);
    if (!open.result) return res.redirect(303, `/attempts/${open.attempt.attemptId}`);
    const now = clock();
    const review = await reviewAttempt({ ...open, result: open.result }, module, now);
    const status = await assessmentStatus(req.user!._id, module, now);
    const completion = await currentCompletion(req.user!._id, module.moduleId, now);
    const summary = summarizeProgress(module, await findProgress(req.user!._id, module));
    res.render('attempt-result', { module, attempt: open.attempt, result: open.result, review, status, completion, summary, next: nextStep(status) });
  });

  return router;
}

/** What the learner can do next, for the module and result pages. */
export function nextStep(status: AssessmentStatus | undefined) {
  const start = status?.start;
  if (!start) return undefined;
  // Numbered over all attempts, like the attempt pages; limits count per cycle (attemptsLeft).
  if (start.allowed) return { canStart: true, attemptNumber: status.attempts.length + 1 };
  switch (start.reason) {
    case 'in-progress':
      return { resume: status.open?.attemptId };
    case 'passed':
      return { passed: true, expiresAt: start.expiresAt };
    case 'no-attempts-left':
      return { noAttemptsLeft: true };
    case 'cooling-down':
      return { coolingDown: true, opensAt: start.opensAt };
  }
}
