import type { JWK } from 'jose';
import { OPEN_BADGES_CONTEXT, VC_CONTEXT_V2 } from './open-badge';
import { issuerProfileUrl } from './urls';

export interface IssuerProfile {
  '@context': [typeof VC_CONTEXT_V2, typeof OPEN_BADGES_CONTEXT];
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  /** The keys credentials are signed with, as in a W3C controller document (`JsonWebKey`). */
  verificationMethod: { id: string; type: 'JsonWebKey'; controller: string; publicKeyJwk: JWK }[];
  assertionMethod: string[];
}

/**
 * The issuer `Profile` every credential's `issuer.id` points at. It lists each published key
 * (the same set as `/lti/jwks`, retired keys included, so old credentials keep verifying), with
 * `#<kid>` ids matching the `kid` in the credentials' JOSE headers.
 */
export function buildIssuerProfile(options: { baseUrl: string; issuerName: string; keys: JWK[] }): IssuerProfile {
  const id = issuerProfileUrl(options.baseUrl);
  const verificationMethod = options.keys.map((publicKeyJwk) => ({ id: `${id}#${publicKeyJwk.kid}`, type: 'JsonWebKey' as const, controller: id, publicKeyJwk }));
  return {
    '@context': [VC_CONTEXT_V2, OPEN_BADGES_CONTEXT],
    id,
    type: ['Profile'],
    name: options.issuerName,
    url: options.baseUrl,
    verificationMethod,
    assertionMethod: verificationMethod.map((method) => method.id),
  };
}
