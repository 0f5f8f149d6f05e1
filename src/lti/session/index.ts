import type { RequestHandler, Router } from 'express';
import type { SecretBox } from '../../keys';
import { frameAncestors, type OriginSource } from './frame-ancestors';
import { carrySessionToken, restoreSessionFromToken } from './middleware';
import { ltiSessionRoutes } from './routes';
import { createSessionTokens } from './token';

export { SESSION_TOKEN_PARAM, urlWithToken, htmlWithToken } from './carry-token';
export { createSessionTokens, SESSION_TOKEN_TTL_SECONDS, type SessionTokens } from './token';
export { mintSessionToken, sessionExpired } from './middleware';
export { FRAMEABLE_PATHS, frameAncestors, type OriginSource } from './frame-ancestors';
export { DEEP_LINKING_PATH } from './session-data';

export interface LtiSessions {
  /** Before express-session: a session token stands in for the blocked cookie. */
  restore: RequestHandler;
  /** After passport's session: pages and redirects carry the token on. */
  carry: RequestHandler;
  /** After helmet: CSP frame-ancestors for registered LMS origins on frameable pages. */
  frameAncestors: RequestHandler;
  routes: Router;
}

/** The pieces src/web/app.ts mounts so the learner flow works inside an LMS iframe. */
export function createLtiSessions(options: {
  secretBox: SecretBox;
  sessionSecret: string;
  cookieName: string;
  clock: () => Date;
  frameOrigins: readonly OriginSource[];
}): LtiSessions {
  const tokens = createSessionTokens(options.secretBox, options.clock);
  return {
    restore: restoreSessionFromToken({ tokens, sessionSecret: options.sessionSecret, cookieName: options.cookieName }),
    carry: carrySessionToken(tokens),
    frameAncestors: frameAncestors(options.frameOrigins),
    routes: ltiSessionRoutes(options.clock),
  };
}
