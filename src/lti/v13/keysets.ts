import { createRemoteJWKSet } from 'jose';

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * One remote key set per platform JWKS URL: jose caches the platform's keys and fetches them again
 * when a token names a `kid` it has not seen (key rotation), at most once per cooldown.
 */
const keySets = new Map<string, RemoteKeySet>();

export function platformKeySet(jwksUrl: string): RemoteKeySet {
  let keySet = keySets.get(jwksUrl);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
    keySets.set(jwksUrl, keySet);
  }
  return keySet;
}
