import type { Keyring } from '../../keys';
import { findCertificateByCode } from '../queries';
import { RevocationModel } from '../store';
import type { Certificate } from '../types';
import { buildIssuerProfile, type IssuerProfile } from './issuer-profile';
import { buildOpenBadgeCredential, type OpenBadgeCredential } from './open-badge';
import { buildStatusListCredential, type BitstringStatusListCredential } from './status-list';
import { newestStatusList, statusEntryFor, statusIndexesOf } from './status-store';
import { signVcJwt } from './vc-jwt';

/** A credential both ways: the signed compact JWS, and the credential it carries (for reading only). */
export interface SignedCredential<T> {
  credential: T;
  compactJwsString: string;
}

/** The certificate's Open Badges credential, signed with the tool's current key. */
export async function signCertificateCredential(certificate: Certificate, keyring: Keyring, baseUrl: string): Promise<SignedCredential<OpenBadgeCredential>> {
  const status = await statusEntryFor(certificate._id);
  const credential = buildOpenBadgeCredential(certificate, { baseUrl, status });
  return { credential, compactJwsString: await signVcJwt(credential, await keyring.current()) };
}

/** The signed VC-JWT of a certificate (the CLI prints it). */
export async function signedCredentialFor(certificate: Certificate, keyring: Keyring, baseUrl: string): Promise<string> {
  return (await signCertificateCredential(certificate, keyring, baseUrl)).compactJwsString;
}

/** What `/credentials/<verification code>` serves; null for an unknown code. */
export async function credentialForCode(
  verificationCode: string,
  keyring: Keyring,
  baseUrl: string,
): Promise<(SignedCredential<OpenBadgeCredential> & { certificate: Certificate }) | null> {
  const certificate = await findCertificateByCode(verificationCode);
  if (!certificate) return null;
  return { certificate, ...(await signCertificateCredential(certificate, keyring, baseUrl)) };
}

/**
 * A status list as it stands now, signed: built from the revocations at request time, so a
 * revocation shows the moment it is recorded. Null for a list that does not exist.
 */
export async function signedStatusList(statusList: number, keyring: Keyring, baseUrl: string, now: Date): Promise<SignedCredential<BitstringStatusListCredential> | null> {
  if (!Number.isInteger(statusList) || statusList < 1 || statusList > (await newestStatusList())) return null;
  const revoked = await RevocationModel.find({}, { certificateId: 1 }).lean();
  const revokedIndexes = await statusIndexesOf(statusList, revoked.map((revocation) => revocation.certificateId));
  const credential = buildStatusListCredential({ baseUrl, statusList, revokedIndexes, now });
  return { credential, compactJwsString: await signVcJwt(credential, await keyring.current()) };
}

export async function issuerProfile(keyring: Keyring, baseUrl: string, issuerName: string): Promise<IssuerProfile> {
  // A fresh installation has no key until something is signed; the profile should list the one that will sign.
  await keyring.current();
  return buildIssuerProfile({ baseUrl, issuerName, keys: (await keyring.publishedKeySet()).keys });
}
