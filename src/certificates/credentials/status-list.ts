import { encodeStatusList } from './bitstring';
import { isoSeconds, VC_CONTEXT_V2 } from './open-badge';
import { issuerProfileUrl, statusListUrl } from './urls';

export interface BitstringStatusListCredential {
  '@context': [typeof VC_CONTEXT_V2];
  id: string;
  type: ['VerifiableCredential', 'BitstringStatusListCredential'];
  issuer: string;
  validFrom: string;
  credentialSubject: {
    id: string;
    type: 'BitstringStatusList';
    statusPurpose: 'revocation';
    encodedList: string;
  };
}

/**
 * A revocation status list as of `now`: the bits of revoked certificates are set. Issued by the
 * same issuer as the credentials that point at it, which verifiers check.
 */
export function buildStatusListCredential(options: { baseUrl: string; statusList: number; revokedIndexes: number[]; now: Date }): BitstringStatusListCredential {
  const id = statusListUrl(options.baseUrl, options.statusList);
  return {
    '@context': [VC_CONTEXT_V2],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuerProfileUrl(options.baseUrl),
    validFrom: isoSeconds(options.now),
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeStatusList(options.revokedIndexes) },
  };
}
