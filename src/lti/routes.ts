import { Router, type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import { HttpError } from '../web/http-error';
import { completeLaunch } from './complete-launch';
import { recordLtiEvent } from './diagnostics';
import type { VerifiedLaunch } from './launch';

/** What a strategy passes to `fail()` when it refuses a launch. */
export interface LaunchRefusal {
  version: '1.1' | '1.3';
  /** Stable code (e.g. `bad-signature`): the error page shows message `lti11.refusal.<reason>` or `lti13.refusal.<reason>`. */
  reason: string;
  source?: string;
  /** Evidence for diagnostics (OAuth base string, decoded claims, clock skew); never secrets. */
  details?: Record<string, unknown>;
}

/**
 * One launch URL for both versions: a 1.3 launch is a form post carrying `id_token`; anything
 * else is treated as a 1.1 OAuth-signed launch. Each version's passport strategy verifies it.
 * Mounted before CSRF protection: the LMS posts here cross-site, and the signature is the proof.
 */
export function ltiLaunchRoutes(log: (line: string) => void, clock: () => Date): Router {
  const router = Router();
  router.post('/lti/launch', (req: Request, res: Response, next: NextFunction) => {
    const strategy = typeof (req.body as Record<string, unknown> | undefined)?.id_token === 'string' ? 'lti13' : 'lti11';
    passport.authenticate(strategy, { session: false }, (error: unknown, launch: VerifiedLaunch | false, refusal?: LaunchRefusal) => {
      if (error) return next(error);
      if (!launch) {
        const refused: LaunchRefusal = refusal ?? { version: strategy === 'lti13' ? '1.3' : '1.1', reason: 'unverified' };
        // The LMS admin reads the evidence on the diagnostics page; the server log says that it happened.
        log(`lti launch refused: LTI ${refused.version} ${refused.reason}${refused.source ? ` from ${refused.source}` : ''}`);
        void recordLtiEvent({ kind: 'launch', outcome: 'refused', ...refused }).catch((failure: unknown) => log(`lti event not recorded: ${(failure as Error).message}`));
        const section = refused.version === '1.3' ? 'lti13' : 'lti11';
        return next(new HttpError(401, 'lti.launchRefusedTitle', `${section}.refusal.${refused.reason}`));
      }
      void recordLtiEvent({ kind: 'launch', outcome: 'accepted', version: launch.version, source: launch.provider })
        .then(() => completeLaunch(req, res, next, launch, clock()))
        .catch(next);
    })(req, res, next);
  });
  return router;
}
