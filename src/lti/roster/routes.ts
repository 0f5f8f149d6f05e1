import { Router } from 'express';
import { z } from 'zod';
import type { Keyring } from '../../keys';
import { requireRole } from '../../web/auth';
import { recordLtiEvent } from '../diagnostics';
import { RosterFetchError } from './fetch';
import { courseRoster, rosterCourses } from './service';

const query = z.object({
  course: z.string().regex(/^[a-f0-9]{24}$/).optional(),
  role: z.enum(['learner', 'instructor']).optional().catch(undefined),
});

/** `/lti/roster`: a trainer's LMS course members (NRPS) with their progress in Shixun. */
export function rosterRoutes(options: { keyring: Keyring; clock: () => Date }): Router {
  const router = Router();
  router.get('/lti/roster', requireRole('trainer'), async (req, res) => {
    const parsed = query.safeParse(req.query);
    const wanted = parsed.success ? parsed.data : {};
    const courses = await rosterCourses(req.user!._id);
    const course = courses.find((candidate) => candidate.placementId === wanted.course) ?? courses[0];
    const page = { pageTitle: res.locals.t('roster.title'), courses, course, courseTitle: course?.title ?? course?.contextId, role: wanted.role ?? '' };
    if (!course) return res.render('lti/roster', page);
    try {
      const roster = await courseRoster(course, { keyring: options.keyring, clock: options.clock, role: wanted.role });
      res.render('lti/roster', { ...page, roster, multipleCourses: courses.length > 1 });
    } catch (error) {
      if (!(error instanceof RosterFetchError)) throw error;
      await recordLtiEvent({ kind: 'roster', version: '1.3', outcome: 'failed', reason: `http-${error.status}`, source: course.provider, details: { contextId: course.contextId, answer: error.body } });
      res.status(502).render('lti/roster', { ...page, failed: true });
    }
  });
  return router;
}
