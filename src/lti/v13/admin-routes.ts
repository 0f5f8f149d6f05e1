import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../../web/auth';
import { badRequest, notFound } from '../../web/http-error';
import { addDeployment, addPlatform, listPlatforms, PlatformExistsError, PlatformInputError, removePlatform } from './platforms';
import { createRegistrationUrl } from './registration';
import { toolUrls } from './tool-configuration';

const listField = (value: unknown) =>
  String(value ?? '')
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);

const idParam = z.string().regex(/^[a-f0-9]{24}$/);

/** `/admin/lti/platforms`: LTI 1.3 registrations typed in by an admin, and one-time dynamic registration URLs. */
export function lti13AdminRoutes(options: { baseUrl: string; clock: () => Date }): Router {
  const router = Router();
  const admins = requireRole('admin');

  async function renderPage(res: import('express').Response, extra: Record<string, unknown> = {}) {
    res.render('lti/platforms', { pageTitle: res.locals.t('lti13.platforms.title'), platforms: await listPlatforms(), tool: toolUrls(options.baseUrl), ...extra });
  }

  router.get('/admin/lti/platforms', admins, async (_req, res) => renderPage(res));

  router.post('/admin/lti/platforms', admins, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = {
      name: typeof body.name === 'string' && body.name.trim() ? body.name : undefined,
      issuer: String(body.issuer ?? '').trim(),
      clientId: String(body.clientId ?? '').trim(),
      deploymentIds: listField(body.deploymentIds),
      authUrl: String(body.authUrl ?? '').trim(),
      tokenUrl: String(body.tokenUrl ?? '').trim(),
      jwksUrl: String(body.jwksUrl ?? '').trim(),
      origins: listField(body.origins),
    };
    try {
      await addPlatform(input, 'admin', options.clock());
    } catch (error) {
      if (error instanceof PlatformInputError) throw badRequest(error.problems);
      if (error instanceof PlatformExistsError) throw badRequest([res.locals.t('lti13.platforms.exists', { issuer: error.issuer, clientId: error.clientId })]);
      throw error;
    }
    res.redirect(303, '/admin/lti/platforms');
  });

  router.post('/admin/lti/platforms/registration-url', admins, async (req, res) => {
    const invite = await createRegistrationUrl(options.baseUrl, req.user!._id.toString(), options.clock());
    await renderPage(res, { registrationUrl: invite.url, registrationExpires: invite.expiresAt });
  });

  router.post('/admin/lti/platforms/:id/deployments', admins, async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const deploymentId = z.string().trim().min(1).max(255).safeParse((req.body as Record<string, unknown>)?.deploymentId);
    if (!id.success) throw notFound();
    if (!deploymentId.success) throw badRequest([res.locals.t('lti13.platforms.deploymentRequired')]);
    if (!(await addDeployment(id.data, deploymentId.data))) throw notFound();
    res.redirect(303, '/admin/lti/platforms');
  });

  router.post('/admin/lti/platforms/:id/delete', admins, async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success || !(await removePlatform(id.data))) throw notFound();
    res.redirect(303, '/admin/lti/platforms');
  });

  return router;
}
