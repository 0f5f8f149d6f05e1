import type { SecretBox } from '../../keys';

/**
 * How long a session token stays usable after the page that carried it was rendered. Every page
 * served in token mode carries a fresh one, so the limit is the time between two clicks (a long
 * lesson or an untimed quiz left open), not the length of a visit.
 */
export const SESSION_TOKEN_TTL_SECONDS = 2 * 3600;

const PURPOSE = 'lti-session';

export type TokenReading = { ok: true; sessionId: string } | { ok: false; reason: 'forged' | 'expired' };

export interface SessionTokens {
  mint(sessionId: string): string;
  read(token: string): TokenReading;
}

/**
 * A session token is the session id sealed (AES-256-GCM) with an expiry and a purpose, so a token
 * reveals no session id, cannot be altered, and stops working on its own. It is what carries the
 * session inside an LMS iframe when the browser refuses the tool's third-party cookie.
 */
export function createSessionTokens(secretBox: SecretBox, clock: () => Date): SessionTokens {
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);
  return {
    mint(sessionId) {
      return secretBox.seal(JSON.stringify({ p: PURPOSE, s: sessionId, e: nowSeconds() + SESSION_TOKEN_TTL_SECONDS }));
    },
    read(token) {
      let payload: unknown;
      try {
        payload = JSON.parse(secretBox.open(token));
      } catch {
        return { ok: false, reason: 'forged' };
      }
      const { p, s, e } = (payload ?? {}) as { p?: unknown; s?: unknown; e?: unknown };
      if (p !== PURPOSE || typeof s !== 'string' || !s || typeof e !== 'number') return { ok: false, reason: 'forged' };
      if (e <= nowSeconds()) return { ok: false, reason: 'expired' };
      return { ok: true, sessionId: s };
    },
  };
}
