import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { verifyStaffSignIn } from './staff';

export const STAFF_STRATEGY = 'staff';

/** passport-local over the staff credentials; the form's fields are `username` and `password`. */
export function registerStaffStrategy(): void {
  passport.use(
    STAFF_STRATEGY,
    new LocalStrategy({ usernameField: 'username', passwordField: 'password', session: true }, (username, password, done) => {
      verifyStaffSignIn(username, password).then(
        (user) => done(null, user ?? false),
        (error: unknown) => done(error),
      );
    }),
  );
}
