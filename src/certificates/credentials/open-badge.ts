import { createHash } from 'node:crypto';
import { translatorFor, type Language } from '../../web/i18n';
import type { Certificate } from '../types';
import type { CredentialStatusEntry } from './status-store';
import { credentialUrl, issuerProfileUrl, statusListUrl } from './urls';

export const VC_CONTEXT_V2 = 'https://www.w3.org/ns/credentials/v2';
export const OPEN_BADGES_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OPEN_BADGES_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** The part of a certificate snapshot a credential says anything about. */
export type CredentialCertificate = Pick<
  Certificate,
  'number' | 'verificationCode' | 'kind' | 'holder' | 'title' | 'description' | 'moduleId' | 'moduleVersion' | 'programmeId' | 'hours' | 'category' | 'completedAt' | 'activityStartedAt' | 'issuer' | 'issuedAt'
>;

export interface IssuerReference {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
}

/** OB 3.0 IdentityObject: the holder's name, hashed with a salt, so the credential does not spell it out. */
export interface IdentityObject {
  type: 'IdentityObject';
  identityType: 'name';
  hashed: true;
  identityHash: string;
  salt: string;
}

export interface BitstringStatusListEntry {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation';
  /** A base-10 integer as a string, as the Bitstring Status List spec has it. */
  statusListIndex: string;
  statusListCredential: string;
}

export interface OpenBadgeCredential {
  '@context': [typeof VC_CONTEXT_V2, typeof OPEN_BADGES_CONTEXT];
  id: string;
  type: ['VerifiableCredential', 'OpenBadgeCredential'];
  issuer: IssuerReference;
  validFrom: string;
  name: string;
  description: string;
  credentialSubject: {
    id: string;
    type: ['AchievementSubject'];
    identifier: IdentityObject[];
    achievement: {
      id: string;
      type: ['Achievement'];
      achievementType: 'CertificateOfCompletion';
      name: string;
      description: string;
      criteria: { narrative: string };
      creditsAvailable: number;
      humanCode?: string;
      tag: string[];
      inLanguage: Language;
    };
    creditsEarned: number;
    activityStartDate?: string;
    activityEndDate: string;
  };
  credentialStatus: BitstringStatusListEntry;
  credentialSchema: [{ id: typeof OPEN_BADGES_SCHEMA; type: '1EdTechJsonSchemaValidator2019' }];
}

export interface CredentialOptions {
  /** The tool's public URL, no trailing slash. */
  baseUrl: string;
  /** The certificate's status list place, subject id and salt (`statusEntryFor`). */
  status: Pick<CredentialStatusEntry, 'statusList' | 'statusListIndex' | 'subjectId' | 'salt'>;
  /** The language of the texts; zh-CN, the language certificates are issued in, unless asked. */
  language?: Language;
}

/**
 * ISO 8601 to the second: the VC-JWT `nbf` is whole seconds and must equal `validFrom` exactly
 * (OB 3.0 §8.2.6), so no date in a credential carries milliseconds.
 */
export function isoSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** OB 3.0 IdentityHash: `sha256$` and the hex SHA-256 of the UTF-8 identity followed by the salt. */
export function identityHash(identity: string, salt: string): string {
  return `sha256$${createHash('sha256').update(`${identity}${salt}`, 'utf8').digest('hex')}`;
}

/** Identifies what was achieved (a module version or a programme), not the certificate; not served. */
function achievementId(baseUrl: string, certificate: CredentialCertificate): string {
  if (certificate.kind === 'programme') return `${baseUrl}/credentials/achievements/programme/${encodeURIComponent(certificate.programmeId ?? certificate.number)}`;
  return `${baseUrl}/credentials/achievements/module/${encodeURIComponent(certificate.moduleId ?? certificate.number)}/v${certificate.moduleVersion ?? 1}`;
}

/**
 * The certificate as an Open Badges 3.0 `OpenBadgeCredential` (W3C VC Data Model 2.0), unsigned.
 * Everything comes from the frozen certificate and its status entry, so the same certificate
 * always gives the same credential. The holder appears only as an opaque `urn:uuid` and a salted
 * hash of the name: whoever is shown the credential and knows the name can check it, nobody can
 * read it off.
 */
export function buildOpenBadgeCredential(certificate: CredentialCertificate, options: CredentialOptions): OpenBadgeCredential {
  const { baseUrl, status } = options;
  const language = options.language ?? 'zh-CN';
  const t = translatorFor(language);
  const title = certificate.title[language];
  const hours = certificate.hours;
  const criteria =
    certificate.kind === 'programme' ? t('credentials.criteria.programme', { title }) : t('credentials.criteria.module', { title });
  const statusListCredential = statusListUrl(baseUrl, status.statusList);
  return {
    '@context': [VC_CONTEXT_V2, OPEN_BADGES_CONTEXT],
    id: credentialUrl(baseUrl, certificate.verificationCode),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuerProfileUrl(baseUrl), type: ['Profile'], name: certificate.issuer.name, url: baseUrl },
    validFrom: isoSeconds(certificate.issuedAt),
    name: title,
    description: t('credentials.credentialDescription', { number: certificate.number, hours }),
    credentialSubject: {
      id: status.subjectId,
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityType: 'name', hashed: true, identityHash: identityHash(certificate.holder.name, status.salt), salt: status.salt }],
      achievement: {
        id: achievementId(baseUrl, certificate),
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: title,
        description: certificate.description?.[language] || t('credentials.achievementDescription', { title, hours, issuer: certificate.issuer.name }),
        criteria: { narrative: criteria },
        creditsAvailable: hours,
        ...(certificate.moduleId || certificate.programmeId ? { humanCode: certificate.moduleId ?? certificate.programmeId } : {}),
        tag: [t(`category.${certificate.category}`)],
        inLanguage: language,
      },
      creditsEarned: hours,
      ...(certificate.activityStartedAt ? { activityStartDate: isoSeconds(certificate.activityStartedAt) } : {}),
      activityEndDate: isoSeconds(certificate.completedAt),
    },
    credentialStatus: {
      id: `${statusListCredential}#${status.statusListIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(status.statusListIndex),
      statusListCredential,
    },
    credentialSchema: [{ id: OPEN_BADGES_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
}
