import { Router, type Request, type Response } from 'express';
import { HttpError } from '../../web/http-error';
import { recordLtiEvent } from '../diagnostics';
import { beginLogin, BROWSER_COOKIE, LoginRefusal, LOGIN_STATE_MINUTES, newBrowserSecret } from './login';
import { registerDynamically, RegistrationError } from './registration';
import { toolConfiguration } from './tool-configuration';

export interface Lti13RouteOptions {
  baseUrl: string;
  clock: () => Date;
}

/**
 * `GET|POST /lti/login` (OIDC third-party initiated login), `GET /lti/config.json` and
 * `GET /lti/register` (dynamic registration). Mounted before CSRF protection: the platform posts
 * the login cross-site, and every step is checked against what Shixun itself issued.
 */
export function lti13Routes(options: Lti13RouteOptions): Router {
  const router = Router();
  const secure = options.baseUrl.startsWith('https://');

  async function login(req: Request, res: Response): Promise<void> {
    const params = req.method === 'POST' ? req.body : req.query;
    const existing = (req.cookies as Record<string, unknown> | undefined)?.[BROWSER_COOKIE];
    const browserSecret = typeof existing === 'string' && existing.length >= 32 ? existing : newBrowserSecret();
    try {
      const redirect = await beginLogin(params, { baseUrl: options.baseUrl, browserSecret, now: options.clock() });
      // Inside an LMS iframe only SameSite=None cookies arrive, and browsers accept those only when Secure.
      res.cookie(BROWSER_COOKIE, browserSecret, { httpOnly: true, secure, sameSite: secure ? 'none' : 'lax', path: '/lti', maxAge: LOGIN_STATE_MINUTES * 60_000 * 6 });
      await recordLtiEvent({ kind: 'login', version: '1.3', outcome: 'accepted', source: `${redirect.platform.issuer}|${redirect.platform.clientId}` });
      res.redirect(302, redirect.location);
    } catch (error) {
      if (!(error instanceof LoginRefusal)) throw error;
      const iss = (params as Record<string, unknown>)?.iss;
      await recordLtiEvent({ kind: 'login', version: '1.3', outcome: 'refused', reason: error.reason, source: typeof iss === 'string' ? iss.slice(0, 500) : undefined, details: error.details });
      throw new HttpError(400, 'lti13.loginRefusedTitle', `lti13.refusal.${error.reason}`);
    }
  }
  router.get('/lti/login', login);
  router.post('/lti/login', login);

  router.get('/lti/config.json', (_req, res) => {
    res.json(toolConfiguration(options.baseUrl));
  });

  router.get('/lti/register', async (req, res) => {
    try {
      const platform = await registerDynamically(req.query, { baseUrl: options.baseUrl, now: options.clock() });
      await recordLtiEvent({ kind: 'login', version: '1.3', outcome: 'accepted', reason: 'registered', source: `${platform.issuer}|${platform.clientId}`, details: { deploymentIds: platform.deploymentIds } });
      res.render('lti/register-done', { platform: { name: platform.name, issuer: platform.issuer, clientId: platform.clientId, deploymentIds: platform.deploymentIds } });
    } catch (error) {
      if (!(error instanceof RegistrationError)) throw error;
      await recordLtiEvent({ kind: 'login', version: '1.3', outcome: 'failed', reason: `registration-${error.reason}`, details: { detail: error.detail } });
      throw new HttpError(400, 'lti13.registrationFailedTitle', `lti13.registration.${error.reason}`, [error.detail]);
    }
  });

  return router;
}
