import type { Request } from 'express';
import passport from 'passport';
import { Strategy } from 'passport-strategy';
import type { SecretBox } from '../../keys';
import { BROWSER_COOKIE } from './login';
import { verifyLti13Launch } from './verify';

export interface Lti13StrategyOptions {
  secretBox: SecretBox;
  /** The tool's public URL: `target_link_uri` must point inside it. */
  baseUrl: string;
  clock?: () => Date;
}

/** Passport strategy `lti13`: an id_token form post from a registered platform, after Shixun's OIDC login. */
class Lti13Strategy extends Strategy {
  name = 'lti13';

  constructor(private readonly options: Lti13StrategyOptions) {
    super();
  }

  override authenticate(req: Request): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const cookie = (req.cookies as Record<string, unknown> | undefined)?.[BROWSER_COOKIE];
    verifyLti13Launch({
      idToken: body.id_token,
      state: body.state,
      browserSecret: typeof cookie === 'string' ? cookie : undefined,
      now: (this.options.clock ?? (() => new Date()))(),
      baseUrl: this.options.baseUrl,
      secretBox: this.options.secretBox,
    }).then(
      (verdict) => (verdict.ok ? this.success(verdict.launch) : this.fail(verdict.refusal, 401)),
      (error: unknown) => this.error(error as Error),
    );
  }
}

export function registerLti13Strategy(options: Lti13StrategyOptions): void {
  passport.use(new Lti13Strategy(options));
}
