import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import { z } from 'zod';
import { findUserById, listSchools, upsertUserFromIdentity, type Role, type User as ShixunUser } from '../users';
import { badRequest, HttpError } from './http-error';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends ShixunUser {}
  }
}

const devSignInSchema = z.object({
  name: z.string().trim().min(1).max(40),
  school: z.string().trim().max(40).optional(),
  role: z.enum(['learner', 'trainer', 'registrar', 'admin']).default('learner'),
});

/**
 * Development-only sign-in: a name (and school) becomes a learner identity, so the learner flow
 * can be used and tested before an LMS launches anyone. Registered only outside production.
 */
class DevSignInStrategy extends Strategy {
  name = 'dev';

  override authenticate(req: Request): void {
    this.verify(req).then(
      (user) => this.success(user),
      (error: unknown) => this.error(error as Error),
    );
  }

  private async verify(req: Request): Promise<ShixunUser> {
    const t = req.res!.locals.t as (key: string) => string;
    const parsed = devSignInSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest([t('validation.nameRequired')]);
    const schoolCode = parsed.data.school || undefined;
    if (schoolCode && !(await listSchools()).some((school) => school.code === schoolCode)) {
      throw badRequest([t('validation.schoolUnknown')]);
    }
    const { name, role } = parsed.data;
    // A registrar keeps the records of their own school, so one must be chosen.
    if (role === 'registrar' && !schoolCode) throw badRequest([t('validation.registrarSchool')]);
    return upsertUserFromIdentity({
      provider: 'dev',
      subject: `${schoolCode ?? '-'}:${name}:${role}`,
      displayName: name,
      schoolCode,
      roles: [role],
      scopeSchoolCodes: role === 'registrar' && schoolCode ? [schoolCode] : undefined,
    });
  }
}

export function configurePassport(options: { devLoginEnabled: boolean }): void {
  passport.serializeUser((user, done) => done(null, user._id.toString()));
  passport.deserializeUser((id: string, done) => {
    findUserById(id).then(
      (user) => done(null, user ?? false),
      (error: unknown) => done(error),
    );
  });
  if (options.devLoginEnabled) passport.use(new DevSignInStrategy());
}

/** Pages that need a person: anonymous visitors are told how to get in, with the status a client can act on. */
export function requireUser(req: Request, _res: Response, next: NextFunction): void {
  if (req.user) return next();
  next(new HttpError(401, 'auth.requiredTitle', 'auth.requiredBody'));
}

/** Signed in and holding one of the roles; admins pass every role check. */
export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user) return next(new HttpError(401, 'auth.requiredTitle', 'auth.requiredBody'));
    const held = req.user.roles;
    if (held.includes('admin') || roles.some((role) => held.includes(role))) return next();
    next(new HttpError(403, 'errors.forbiddenTitle', 'errors.forbiddenBody'));
  };
}
