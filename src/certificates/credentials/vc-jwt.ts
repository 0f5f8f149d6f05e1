import { SignJWT } from 'jose';
import type { SigningKey } from '../../keys';

/** The credential fields the VC-JWT registered claims are taken from. */
export interface SignableCredential {
  id: string;
  issuer: string | { id: string };
  validFrom: string;
  credentialSubject: { id?: string };
}

/** The IANA media type of a VC secured with JOSE (VC-JOSE-COSE). */
export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';

/**
 * Signs a credential as a VC-JWT the way OB 3.0 §8.2 asks: the payload is the credential itself
 * plus `iss` = issuer.id, `jti` = id, `nbf` = validFrom and `sub` = credentialSubject.id; the JOSE
 * header is only `alg`, `kid` (the key's id in the tool's published key set) and `typ: JWT`.
 */
export async function signVcJwt(credential: SignableCredential, key: SigningKey): Promise<string> {
  const issuer = typeof credential.issuer === 'string' ? credential.issuer : credential.issuer.id;
  const jwt = new SignJWT({ ...credential })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setJti(credential.id)
    .setNotBefore(Math.floor(Date.parse(credential.validFrom) / 1000));
  if (credential.credentialSubject.id) jwt.setSubject(credential.credentialSubject.id);
  return jwt.sign(key.privateKey);
}
