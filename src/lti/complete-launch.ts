import type { NextFunction, Request, Response } from 'express';
import { upsertUserFromIdentity } from '../users';
import type { VerifiedLaunch } from './launch';

/**
 * After either version's verification: the person is found or created by their LMS identity,
 * signed in, and sent to the module the LMS linked to (or the catalog).
 */
export async function completeLaunch(req: Request, res: Response, next: NextFunction, launch: VerifiedLaunch): Promise<void> {
  const user = await upsertUserFromIdentity({
    provider: launch.provider,
    subject: launch.subject,
    displayName: launch.displayName ?? launch.subject,
    email: launch.email,
    roles: launch.roles,
  });
  req.login(user, (error?: unknown) => {
    if (error) return next(error);
    res.redirect(303, launch.moduleId ? `/modules/${encodeURIComponent(launch.moduleId)}` : '/catalog');
  });
}
