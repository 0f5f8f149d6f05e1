import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../../web/auth';
import { badRequest } from '../../web/http-error';
import { recentLtiEvents, type LtiEvent } from '../diagnostics';
import { toEventRow } from './event-view';
import { passbacksInTrouble } from './passbacks-view';
import { toolUrls } from './tool-urls';

const KINDS = ['launch', 'login', 'passback', 'deep-linking', 'roster'] as const satisfies readonly LtiEvent['kind'][];
const OUTCOMES = ['accepted', 'refused', 'failed'] as const satisfies readonly LtiEvent['outcome'][];
const EVENTS_SHOWN = 100;

/** An empty select value means "any". */
const blankAsAny = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const filterSchema = z.object({
  kind: blankAsAny(z.enum(KINDS)),
  outcome: blankAsAny(z.enum(OUTCOMES)),
});

/** `/admin/lti`: where an admin connects LMSs, and `/admin/lti/diagnostics`: why a launch failed. */
export function ltiAdminRoutes(options: { baseUrl: string }): Router {
  const router = Router();
  const admins = requireRole('admin');

  router.get('/admin/lti', admins, async (_req, res) => {
    const recent = await recentLtiEvents({}, EVENTS_SHOWN);
    res.render('lti/admin-hub', {
      pageTitle: res.locals.t('ltiAdmin.hubTitle'),
      urls: toolUrls(options.baseUrl),
      problems: recent.filter((event) => event.outcome !== 'accepted').length,
    });
  });

  router.get('/admin/lti/diagnostics', admins, async (req, res) => {
    const filter = filterSchema.safeParse({ kind: req.query.kind, outcome: req.query.outcome });
    if (!filter.success) throw badRequest([res.locals.t('ltiAdmin.badFilter')]);
    // An absent filter must be left out of the query, not sent as `undefined` (which matches nothing).
    const { kind, outcome } = filter.data;
    const showPassbacks = !kind || kind === 'passback';
    const events = await recentLtiEvents({ ...(kind ? { kind } : {}), ...(outcome ? { outcome } : {}) }, EVENTS_SHOWN);
    res.render('lti/diagnostics', {
      pageTitle: res.locals.t('ltiAdmin.diagnosticsTitle'),
      kinds: KINDS,
      outcomes: OUTCOMES,
      filter: filter.data,
      events: events.map((event) => toEventRow(res.locals.t, event)),
      // The passback queue is a kind of event too, so it hides when another kind is chosen.
      showPassbacks,
      passbacks: showPassbacks ? await passbacksInTrouble() : [],
    });
  });

  return router;
}
