import { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import passport from 'passport';
import type { User } from '../users';
import { HttpError } from '../web/http-error';
import { registerStaffStrategy, STAFF_STRATEGY } from './strategy';

/** Failed sign-ins one address may make per window before it has to wait. */
export const FAILED_SIGN_INS_PER_WINDOW = 10;
const WINDOW_MS = 15 * 60_000;

/** Where each kind of staff member starts. */
export function landingPageFor(user: Pick<User, 'roles'>): string {
  if (user.roles.includes('admin')) return '/admin/lti';
  if (user.roles.includes('registrar')) return '/registrar';
  if (user.roles.includes('trainer')) return '/trainer';
  return '/catalog';
}

/**
 * `/login` for staff outside any LMS. Mounted after CSRF protection: the form carries `_csrf`.
 * Passport regenerates the session on sign-in, so a session id planted before it is useless after.
 */
export function staffSignInRoutes(): Router {
  registerStaffStrategy();
  const router = Router();
  // Only failures count, so a busy staff room behind one address is not locked out by successes.
  const limiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: FAILED_SIGN_INS_PER_WINDOW,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'staff.tooManyTitle', 'staff.tooManyBody')),
  });

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, landingPageFor(req.user));
    res.render('staff-login', { pageTitle: res.locals.t('staff.title'), username: '' });
  });

  router.post('/login', limiter, (req: Request, res: Response, next: NextFunction) => {
    passport.authenticate(STAFF_STRATEGY, (error: unknown, user: User | false) => {
      if (error) return next(error);
      if (!user) {
        const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : '';
        res.status(401).render('staff-login', { pageTitle: res.locals.t('staff.title'), username, failed: true });
        return;
      }
      req.login(user, (loginError?: unknown) => {
        if (loginError) return next(loginError);
        res.redirect(303, landingPageFor(user));
      });
    })(req, res, next);
  });
  return router;
}
