export { buildOpenBadgeCredential, identityHash, isoSeconds, type OpenBadgeCredential, type CredentialCertificate } from './open-badge';
export { buildStatusListCredential, type BitstringStatusListCredential } from './status-list';
export { buildIssuerProfile, type IssuerProfile } from './issuer-profile';
export { encodeStatusList, isStatusSet, STATUS_LIST_BITS } from './bitstring';
export { statusEntryFor, findStatusEntry, CredentialStatusEntryModel, type CredentialStatusEntry } from './status-store';
export { signedCredentialFor, signCertificateCredential, credentialForCode, signedStatusList, issuerProfile, type SignedCredential } from './service';
export { signVcJwt, VC_JWT_MEDIA_TYPE } from './vc-jwt';
export { credentialRoutes, type CredentialRouteOptions } from './routes';
export { credentialUrl, issuerProfileUrl, statusListUrl } from './urls';
