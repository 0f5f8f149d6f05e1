import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Keyring } from '../../keys';
import type { Platform } from './platforms';

/** What a service call needs to act for Shixun towards one platform. */
export interface ServiceOptions {
  keyring: Keyring;
  clock?: () => Date;
}

export class ServiceTokenError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`the platform's token endpoint answered ${status}`);
    this.name = 'ServiceTokenError';
  }
}

/** Access tokens are reused until shortly before they expire, per (token URL, client id, scopes). */
const cache = new Map<string, { accessToken: string; expiresAt: number }>();
const EXPIRY_MARGIN_MS = 60_000;

const cacheKey = (platform: Platform, scopes: readonly string[]) => `${platform.tokenUrl}|${platform.clientId}|${[...scopes].sort().join(' ')}`;

/** Forgets a token the platform refused (revoked or expired early), so the next call asks again. */
export function forgetServiceToken(platform: Platform, scopes: readonly string[]): void {
  cache.delete(cacheKey(platform, scopes));
}

/**
 * An access token by the OAuth 2 client-credentials grant, authenticated with a JWT client
 * assertion (Security Framework §4.1): RS256 under the tool's current key, iss = sub = client_id,
 * aud = the token URL, a fresh jti and a five-minute lifetime.
 */
export async function serviceToken(platform: Platform, scopes: readonly string[], options: ServiceOptions): Promise<string> {
  const now = (options.clock ?? (() => new Date()))();
  const key = cacheKey(platform, scopes);
  const cached = cache.get(key);
  if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > now.getTime()) return cached.accessToken;

  const signing = await options.keyring.current();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
    .setIssuer(platform.clientId)
    .setSubject(platform.clientId)
    .setAudience(platform.tokenUrl)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 300)
    .setJti(randomUUID())
    .sign(signing.privateKey);

  const response = await fetch(platform.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope: scopes.join(' '),
    }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok) throw new ServiceTokenError(response.status, text.slice(0, 1000));
  const body = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== 'string') throw new ServiceTokenError(response.status, 'no access_token in the answer');
  const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  cache.set(key, { accessToken: body.access_token, expiresAt: now.getTime() + lifetime * 1000 });
  return body.access_token;
}

/** A call to one of the platform's services with a bearer token; a token the platform rejects is replaced once. */
export async function authorizedFetch(platform: Platform, scopes: string[], url: string, init: RequestInit, options: ServiceOptions): Promise<Response> {
  const call = async () =>
    fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${await serviceToken(platform, scopes, options)}` }, signal: AbortSignal.timeout(15_000) });
  const response = await call();
  if (response.status !== 401) return response;
  // The platform may revoke a cached token early: ask for a new one once.
  forgetServiceToken(platform, scopes);
  return call();
}
