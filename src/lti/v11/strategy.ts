import type { Request } from 'express';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import type { SecretBox } from '../../keys';
import { verifyLti11Launch } from './verify';

type Clock = () => Date;

/**
 * Passport strategy `lti11`: a verified launch succeeds with a `VerifiedLaunch`; a refused one
 * fails with a `LaunchRefusal` and 401, which the launch route logs and shows. A refused launch
 * stores nothing; only a launch whose signature and timestamp passed records its nonce.
 */
class Lti11Strategy extends Strategy {
  name = 'lti11';

  constructor(
    private readonly secretBox: SecretBox,
    private readonly clock: Clock,
  ) {
    super();
  }

  override authenticate(req: Request): void {
    verifyLti11Launch(req, this.secretBox, this.clock()).then(
      (verdict) => (verdict.ok ? this.success(verdict.launch) : this.fail(verdict.refusal, 401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}

export function registerLti11Strategy(secretBox: SecretBox, clock: Clock = () => new Date()): void {
  passport.use(new Lti11Strategy(secretBox, clock));
}
