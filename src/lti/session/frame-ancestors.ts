import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * The pages an LMS may frame: the launch and everything a person does after it (the learner flow,
 * quiz, certificates, deep-linking picker and roster under /lti/). Staff pages (registrar, admin,
 * trainer statistics, sign-in) keep helmet's default and cannot be framed by anyone.
 */
export const FRAMEABLE_PATHS = ['/lti/', '/catalog', '/modules/', '/progress', '/attempts/', '/my/', '/certificates'];

const CACHE_MS = 60_000;
/** Only `scheme://host[:port]` goes into the header: nothing a registration could use to inject a directive. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/i;

export type OriginSource = () => Promise<readonly string[]>;

function isFrameable(path: string): boolean {
  return FRAMEABLE_PATHS.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
}

/**
 * CSP `frame-ancestors 'self' <registered LMS origins>` on frameable pages, in place of helmet's
 * `'self'` (and without X-Frame-Options, which cannot name other origins). The origins come from
 * the LTI 1.1 consumer and 1.3 platform registrations and are cached for a minute, so a new
 * registration can frame the tool a minute later and a launch costs no extra query.
 */
export function frameAncestors(sources: readonly OriginSource[], clock: () => number = Date.now): RequestHandler & { origins(): Promise<string[]> } {
  let cached: { at: number; origins: Promise<string[]> } | undefined;
  const origins = (): Promise<string[]> => {
    if (!cached || clock() - cached.at > CACHE_MS) {
      const loading = Promise.all(sources.map((source) => source())).then((lists) =>
        [...new Set(lists.flat().filter((origin) => ORIGIN.test(origin)).map((origin) => origin.toLowerCase()))].sort(),
      );
      cached = { at: clock(), origins: loading };
      // A failed look-up is not remembered: the next request asks again.
      loading.catch(() => {
        if (cached?.origins === loading) cached = undefined;
      });
    }
    return cached.origins;
  };
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (!isFrameable(req.path)) return next();
    origins().then((allowed) => {
      const policy = res.getHeader('Content-Security-Policy');
      if (typeof policy === 'string') {
        const directive = `frame-ancestors ${["'self'", ...allowed].join(' ')}`;
        res.setHeader('Content-Security-Policy', /frame-ancestors [^;]*/.test(policy) ? policy.replace(/frame-ancestors [^;]*/, directive) : `${policy};${directive}`);
      }
      res.removeHeader('X-Frame-Options');
      next();
    }, () => next()); // Registrations unreadable: helmet's no-framing stays, the page itself still works.
  };
  return Object.assign(middleware, { origins });
}
