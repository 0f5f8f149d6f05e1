import { Router } from 'express';
import { requireUser } from '../../web/auth';
import './session-data';

/** Only a path of this site: never `//host` or `/\host`, which browsers treat as another origin. */
function sameSitePath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/catalog';
}

/**
 * "Open in a new window": the person leaves the LMS frame for a first-party window, where the
 * tool's cookie works. The session is touched so express-session sends its cookie on this
 * response; the frame keeps using the same session through its token.
 */
export function ltiSessionRoutes(clock: () => Date): Router {
  const router = Router();
  router.get('/lti/session/open', requireUser, (req, res) => {
    req.session.ltiOpenedInWindowAt = clock().toISOString();
    // Not res.redirect: in token mode that would put the token into the new window's address.
    res.status(303).location(sameSitePath(req.query.to)).end();
  });
  return router;
}
