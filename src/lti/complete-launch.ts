import type { NextFunction, Request, Response } from 'express';
import { currentCompletion } from '../completion';
import { resolveLaunchUser } from './identity';
import type { VerifiedLaunch } from './launch';
import { enqueuePassbacks } from './passback';
import { recordPlacement } from './placements';
import { DEEP_LINKING_PATH, mintSessionToken, urlWithToken } from './session';

/**
 * After either version's verification: the person is found or created by their LMS identity
 * (honouring a 1.1 → 1.3 migration), the placement (resource link, outcome target, roster) is
 * recorded, they are signed in, and sent on: a deep-linking launch to the catalog picker with the
 * request stashed in the session, any other launch to the module the LMS linked to (or the
 * catalog). The redirect carries a session token, because inside the LMS iframe the browser may
 * refuse the session cookie this response sets.
 */
export async function completeLaunch(req: Request, res: Response, next: NextFunction, launch: VerifiedLaunch, now = new Date()): Promise<void> {
  const user = await resolveLaunchUser(launch, now);
  const placement = await recordPlacement(user._id, launch, now);
  // A module completed before this gradebook first launched it still earns its score there.
  if (placement?.outcome && placement.moduleId) {
    const completion = await currentCompletion(user._id, placement.moduleId, now);
    if (completion) await enqueuePassbacks(completion, [placement], now);
  }
  req.login(user, (error?: unknown) => {
    if (error) return next(error);
    let target = launch.moduleId ? `/modules/${encodeURIComponent(launch.moduleId)}` : '/catalog';
    if (launch.kind === 'deep-linking') {
      req.session.ltiDeepLinking = { launch, at: now.toISOString() };
      target = DEEP_LINKING_PATH;
    }
    res.redirect(303, urlWithToken(target, mintSessionToken(res, req.sessionID)));
  });
}
