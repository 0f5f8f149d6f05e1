import { createHmac } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../../web/http-error';
import { htmlWithToken, SESSION_TOKEN_PARAM, urlWithToken } from './carry-token';
import type { SessionTokens } from './token';

/** What `restoreSessionFromToken` leaves for `carrySessionToken` in `res.locals`. */
const TOKEN_SESSION = 'ltiTokenSessionId';
/** Where `carrySessionToken` leaves the token minter for the launch (see `mintSessionToken`). */
const TOKENS = 'ltiSessionTokens';

/** A token for a session this request just created (a launch); throws if the middleware is missing. */
export function mintSessionToken(res: Response, sessionId: string): string {
  const tokens = res.locals[TOKENS] as SessionTokens | undefined;
  if (!tokens) throw new Error('carrySessionToken is not mounted before this route');
  return tokens.mint(sessionId);
}

/** express-session's signed cookie value (`s:` + cookie-signature's HMAC-SHA256), which it checks on read. */
function signedSessionCookie(sessionId: string, sessionSecret: string): string {
  const signature = createHmac('sha256', sessionSecret).update(sessionId).digest('base64').replace(/=+$/, '');
  return `s:${sessionId}.${signature}`;
}

function tokenIn(req: Request): string | undefined {
  const fromQuery = req.query[SESSION_TOKEN_PARAM];
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[SESSION_TOKEN_PARAM];
  return typeof fromBody === 'string' && fromBody ? fromBody : undefined;
}

export const sessionExpired = () => new HttpError(401, 'ltiSession.expiredTitle', 'ltiSession.expiredBody');

/**
 * Mounted before the session middleware. A request with a valid session token whose own cookie
 * does not name that session (the browser blocked or never stored the third-party cookie) gets
 * the session's signed cookie put into its Cookie header, so express-session loads the session
 * exactly as if the cookie had come. With no usable cookie, a forged or expired token is refused
 * with a page that says to launch again; with a cookie, a stale token in an old link is ignored.
 */
export function restoreSessionFromToken(options: { tokens: SessionTokens; sessionSecret: string; cookieName: string }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = tokenIn(req);
    if (!token) return next();
    const cookie = (req.cookies as Record<string, string> | undefined)?.[options.cookieName];
    const reading = options.tokens.read(token);
    if (!reading.ok) return next(cookie ? undefined : sessionExpired());
    const signed = signedSessionCookie(reading.sessionId, options.sessionSecret);
    if (cookie === signed) return next();
    const others = (req.headers.cookie ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part && !part.startsWith(`${options.cookieName}=`));
    req.headers.cookie = [...others, `${options.cookieName}=${encodeURIComponent(signed)}`].join('; ');
    res.locals[TOKEN_SESSION] = reading.sessionId;
    next();
  };
}

/**
 * Mounted after passport's session. In token mode (the session came from a token, not a cookie)
 * every page rendered and every redirect carries a fresh token, and the page shows "open in a new
 * window". A token whose session is gone (signed out, expired in the store) is refused.
 */
export function carrySessionToken(tokens: SessionTokens): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals[TOKENS] = tokens;
    res.locals.ltiFramed = req.get('sec-fetch-dest') === 'iframe';
    res.locals.ltiOpenUrl = `/lti/session/open?to=${encodeURIComponent(req.path)}`;
    const sessionId = res.locals[TOKEN_SESSION] as string | undefined;
    if (!sessionId) return next();
    if (!req.user || req.sessionID !== sessionId) return next(sessionExpired());
    const token = tokens.mint(sessionId);
    res.locals.ltiSessionToken = token;
    res.locals.ltiFramed = true;

    const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
    res.redirect = ((statusOrUrl: number | string, url?: string) =>
      typeof statusOrUrl === 'number' ? redirect(statusOrUrl, urlWithToken(url!, token)) : redirect(302, urlWithToken(statusOrUrl, token))) as Response['redirect'];

    type RenderCallback = (error: Error, html: string) => void;
    const render = res.render.bind(res);
    res.render = ((view: string, optionsOrCallback?: object | RenderCallback, callback?: RenderCallback) => {
      const options = typeof optionsOrCallback === 'function' ? {} : (optionsOrCallback ?? {});
      const done = typeof optionsOrCallback === 'function' ? (optionsOrCallback as RenderCallback) : callback;
      if (done) return render(view, options, done);
      render(view, options, (error: Error | null, html: string) => {
        if (error) return req.next?.(error);
        res.send(htmlWithToken(html, token));
      });
    }) as Response['render'];
    next();
  };
}
