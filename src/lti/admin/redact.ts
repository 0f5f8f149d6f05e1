/** Field names whose values are credentials; matches what `recordLtiEvent` already drops. */
const SECRET_NAME = /secret|signature|token|password|assertion|private|authorization|cookie/i;

/** A compact JWS/JWT (an id_token, a client assertion, a bearer token) anywhere inside a text. */
const COMPACT_JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/**
 * `name=value`, `name%3Dvalue` (inside an OAuth base string, where `%26` separates parameters) or
 * `"name":"value"` of a credential parameter.
 */
const SECRET_PARAMETER = /((?:oauth_signature|client_secret|client_assertion|access_token|refresh_token|id_token|password)(?:=|%3D|%253D|"\s*:\s*"))(?:(?!%26)[^&\s"])*/gi;

const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = '[redacted]';

function redactText(text: string): string {
  return text.replace(COMPACT_JWT, REDACTED).replace(SECRET_PARAMETER, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
}

/**
 * The last guard before a diagnostics page: details were filtered when recorded, but an event
 * written by an older version or a careless caller must not put a credential on screen either.
 * Secret-named fields go, and credential-shaped text inside any string is masked.
 */
export function redactForDisplay(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactForDisplay);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SECRET_NAME.test(key))
        .map(([key, inner]) => [key, redactForDisplay(inner)]),
    );
  }
  return value;
}
