import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** Request parameters as express's urlencoded parser gives them: a repeated name becomes an array. */
export type OAuthParams = Record<string, string | string[] | undefined>;

/** RFC 3986 percent-encoding as OAuth 1.0a (RFC 5849 §3.6) requires: everything but unreserved characters. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The signature base string (RFC 5849 §3.4.1). Names are percent-encoded like values: ims-lti
 * leaves them raw, so a launch carrying `custom_map[a]` never matched the consumer's signature.
 */
export function signatureBaseString(method: string, baseUrl: string, params: readonly (readonly [string, string])[]): string {
  const pairs = params
    .filter(([name]) => name !== 'oauth_signature')
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => (nameA === nameB ? compare(valueA, valueB) : compare(nameA, nameB)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(pairs)].join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function hmacSha1(baseString: string, consumerSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&`).update(baseString).digest('base64');
}

/** Constant-time equality of two signatures; hashing first makes unequal lengths safe to compare too. */
export function signaturesEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Flattens parameters into (name, value) pairs, keeping every value of a repeated name. */
export function paramPairs(params: OAuthParams): [string, string][] {
  return Object.entries(params).flatMap(([name, value]) => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((one) => [name, String(one)] as [string, string])));
}

/** `https://Host:443/path?x=1` → `https://host/path`: the base string URI (scheme/host lower-case, default port dropped, no query). */
export function normalizeBaseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** The query string's parameters, which belong in the base string with the form body's. */
export function queryPairs(url: string): [string, string][] {
  return [...new URL(url, 'http://placeholder').searchParams.entries()];
}

/**
 * The URL the consumer signed: the public one. Behind a TLS-terminating proxy `req.protocol` and
 * `req.host` follow X-Forwarded-Proto/Host only when express's `trust proxy` says to believe them
 * (ims-lti reads the raw Host header and would sign http://internal-host instead).
 */
export function publicRequestUrl(req: Request): string {
  return normalizeBaseUrl(`${req.protocol}://${req.host}${req.originalUrl}`);
}

/**
 * The oauth_* fields (signature included) that sign an outgoing request with HMAC-SHA1. `params`
 * are signed too (form fields, or `oauth_body_hash`) but not returned: the caller sends them itself.
 */
export function signOutgoing(options: { method: string; url: string; consumerKey: string; consumerSecret: string; params: Record<string, string>; now: Date }): Record<string, string> {
  const oauth: Record<string, string> = {
    oauth_consumer_key: options.consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(Math.floor(options.now.getTime() / 1000)),
    oauth_version: '1.0',
  };
  const pairs = [...paramPairs({ ...options.params, ...oauth }), ...queryPairs(options.url)];
  const baseString = signatureBaseString(options.method, normalizeBaseUrl(options.url), pairs);
  return { ...oauth, oauth_signature: hmacSha1(baseString, options.consumerSecret) };
}

/** The `Authorization: OAuth …` header carrying the given oauth_* fields. */
export function oauthAuthorizationHeader(oauth: Record<string, string>): string {
  return `OAuth ${Object.entries(oauth)
    .map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`)
    .join(', ')}`;
}

/**
 * A signer in ims-lti's interface (`build_signature`), handed to its Provider as the signature
 * method. ims-lti compares the returned string with `===`; this signer does the comparison itself,
 * in constant time, and returns the received signature when it matched, or a string that can never
 * equal it when it did not. It also keeps the base string it computed, for diagnostics.
 */
export class VerifyingSigner {
  /** The base string of the spec-conformant reading, as the consumer should have signed it. */
  baseString = '';
  url = '';

  build_signature(req: Request, body: OAuthParams, consumerSecret: string): string {
    const received = String(body.oauth_signature ?? '');
    this.url = publicRequestUrl(req);
    const bodyPairs = paramPairs(body);
    const query = queryPairs(req.originalUrl);
    this.baseString = signatureBaseString(req.method, this.url, [...bodyPairs, ...query]);
    const readings = [this.baseString];
    // Canvas has signed launch URLs without their query string; ims-lti accepts that for Canvas only, and so does Shixun.
    if (query.length > 0 && body.tool_consumer_info_product_family_code === 'canvas') readings.push(signatureBaseString(req.method, this.url, bodyPairs));
    const matched = readings.map((reading) => signaturesEqual(hmacSha1(reading, consumerSecret), received)).some(Boolean);
    return matched ? received : `${received}!`;
  }
}
