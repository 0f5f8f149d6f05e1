import { Router } from 'express';
import { z } from 'zod';
import { effectiveProfile, overrideHistory, PolicyOverrideError, setOverride, type PolicyProfile } from '../../ledger/policies';
import type { Clock } from '../app';
import { requireRole } from '../auth';
import { badRequest } from '../http-error';

const overrideForm = z.object({
  requirementId: z.string().regex(/^[a-z][a-z0-9-]*$/),
  // Empty removes the override: the profile's own value applies again.
  minimumHours: z.union([z.literal(''), z.coerce.number()]),
  reason: z.string().max(500),
});

/** Admins adjust the active profile's minimum hours; every change is kept with its reason. */
export function adminPolicyRoutes(clock: Clock, profile: PolicyProfile): Router {
  const router = Router();
  const admins = requireRole('admin');

  router.get('/admin/policies', admins, async (_req, res) => {
    const active = await effectiveProfile(profile);
    res.render('admin-policies', {
      profile: active,
      requirements: active.requirements.map((requirement) => ({
        requirement,
        fileHours: profile.requirements.find((r) => r.id === requirement.id)?.minimumHours,
        overridden: requirement.minimumHours !== profile.requirements.find((r) => r.id === requirement.id)?.minimumHours,
      })),
      history: await overrideHistory(profile.id),
    });
  });

  router.post('/admin/policies', admins, async (req, res) => {
    const form = overrideForm.safeParse(req.body);
    if (!form.success) throw badRequest([res.locals.t('policies.invalid')]);
    try {
      await setOverride(profile, {
        requirementId: form.data.requirementId,
        minimumHours: form.data.minimumHours === '' ? null : form.data.minimumHours,
        reason: form.data.reason,
        actor: { id: req.user!._id.toString(), name: req.user!.displayName },
        now: clock(),
      });
    } catch (error) {
      if (error instanceof PolicyOverrideError) throw badRequest(error.problems);
      throw error;
    }
    res.redirect(303, '/admin/policies');
  });

  return router;
}
