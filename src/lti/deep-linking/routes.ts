import { Router, type Response } from 'express';
import { z } from 'zod';
import { listLatestModulesFlat } from '../../courses';
import type { Keyring, SecretBox } from '../../keys';
import { requireUser } from '../../web/auth';
import { HttpError } from '../../web/http-error';
import { recordLtiEvent } from '../diagnostics';
import { DEEP_LINKING_PATH } from '../session';
import { originOf } from '../v13/platforms';
import { answerDeepLinking, DeepLinkingError } from './service';

const selection = z.object({
  modules: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/)).max(50)),
});

/**
 * The picker answers with a form the browser posts to the LMS; helmet's `form-action 'self'`
 * would block it, so this one response also allows the return URL's origin.
 */
function allowFormActionTo(res: Response, url: string): void {
  const origin = originOf(url);
  const policy = res.getHeader('Content-Security-Policy');
  if (!origin || typeof policy !== 'string') return;
  res.setHeader('Content-Security-Policy', policy.replace(/form-action 'self'/, `form-action 'self' ${origin}`));
}

/**
 * `DEEP_LINKING_PATH` (`/lti/deep-linking`): the catalog picker for a deep-linking (1.3) or
 * Content-Item (1.1) launch that complete-launch stashed in the session.
 */
export function deepLinkingRoutes(options: { keyring: Keyring; secretBox: SecretBox; baseUrl: string; clock: () => Date }): Router {
  const router = Router();

  function pending(req: import('express').Request) {
    const stashed = req.session.ltiDeepLinking;
    if (!stashed?.launch.deepLinking) throw new HttpError(400, 'deepLinking.noRequestTitle', 'deepLinking.noRequestBody');
    if (!stashed.launch.roles.some((role) => role === 'trainer' || role === 'admin')) throw new HttpError(403, 'errors.forbiddenTitle', 'deepLinking.trainersOnly');
    return stashed.launch;
  }

  router.get(DEEP_LINKING_PATH, requireUser, async (req, res) => {
    const launch = pending(req);
    const modules = (await listLatestModulesFlat()).map((module) => ({ ...module, graded: Boolean(module.assessment) }));
    res.render('lti/deep-linking', { pageTitle: res.locals.t('deepLinking.title'), modules, multiple: launch.deepLinking!.acceptMultiple, context: launch.context });
  });

  router.post(DEEP_LINKING_PATH, requireUser, async (req, res) => {
    const launch = pending(req);
    const parsed = selection.safeParse(req.body ?? {});
    if (!parsed.success) throw new HttpError(400, 'errors.badRequestTitle', 'deepLinking.unknownModule');
    let answer;
    try {
      answer = await answerDeepLinking(launch, parsed.data.modules, { keyring: options.keyring, secretBox: options.secretBox, baseUrl: options.baseUrl, language: res.locals.lang === 'en' ? 'en' : 'zh-CN', now: options.clock() });
    } catch (error) {
      if (!(error instanceof DeepLinkingError)) throw error;
      throw new HttpError(error.reason === 'platform-gone' ? 409 : 400, 'errors.badRequestTitle', `deepLinking.${error.reason}`);
    }
    delete req.session.ltiDeepLinking;
    await recordLtiEvent({ kind: 'deep-linking', version: launch.version, outcome: 'accepted', source: launch.provider, details: { modules: parsed.data.modules, returnUrl: launch.deepLinking!.returnUrl } });
    allowFormActionTo(res, answer.action);
    res.render('lti/deep-linking-return', { pageTitle: res.locals.t('deepLinking.returnTitle'), action: answer.action, fields: Object.entries(answer.fields).map(([name, value]) => ({ name, value })), count: parsed.data.modules.length });
  });

  return router;
}
