import { Router } from 'express';
import { z } from 'zod';
import { UserModel } from '../../users';
import { requireRole } from '../../web/auth';
import { notFound } from '../../web/http-error';
import { MAX_TRIES } from './policy';
import { listPassbacks, retryPassback } from './queries';
import { PASSBACK_STATES } from './store';

const filterSchema = z.object({ state: z.enum(PASSBACK_STATES).optional() });
const jobParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/) });

/** `/admin/lti/passbacks`: every queued score with the LMS's answers, and "retry now" for those that gave up. */
export function passbackAdminRoutes(clock: () => Date): Router {
  const router = Router();
  const admins = requireRole('admin');

  router.get('/admin/lti/passbacks', admins, async (req, res) => {
    const parsed = filterSchema.safeParse({ state: req.query.state || undefined });
    const state = parsed.success ? parsed.data.state : undefined;
    const jobs = await listPassbacks(state ? { state } : {});
    const users = await UserModel.find({ _id: { $in: [...new Set(jobs.map((job) => job.userId.toHexString()))] } }, { displayName: 1 }).lean<{ _id: { toHexString(): string }; displayName: string }[]>();
    const names = new Map(users.map((user) => [user._id.toHexString(), user.displayName]));
    res.render('lti/passbacks', {
      pageTitle: res.locals.t('passback.title'),
      maxTries: MAX_TRIES,
      states: PASSBACK_STATES,
      state,
      retried: req.query.retried === '1',
      jobs: jobs.map((job) => ({
        id: job._id.toHexString(),
        learner: names.get(job.userId.toHexString()) ?? job.userId.toHexString(),
        moduleId: job.moduleId,
        target: job.target,
        provider: job.provider,
        scorePercent: job.scorePercent,
        state: job.state,
        tries: job.tries,
        nextTryAt: job.state === 'pending' ? job.nextTryAt : undefined,
        lastAnswer: job.lastAnswer,
        retryable: job.state !== 'sent',
      })),
    });
  });

  router.post('/admin/lti/passbacks/:id/retry', admins, async (req, res) => {
    const parsed = jobParams.safeParse(req.params);
    if (!parsed.success || !(await retryPassback(parsed.data.id, clock()))) throw notFound('passback.notFound');
    res.redirect(303, '/admin/lti/passbacks?retried=1');
  });

  return router;
}
