import type { Types } from 'mongoose';
import type { Category } from '../courses';

export type CertificateKind = 'module' | 'programme';

/** Both languages are stored so a certificate reads the same whatever the course later says. */
export interface CertificateText {
  'zh-CN': string;
  en: string;
}

export interface CertificateHolder {
  userId: Types.ObjectId;
  name: string;
  schoolCode?: string;
  schoolName?: string;
}

/** Who issues certificates: frozen into each one at issue time. */
export interface CertificateIssuer {
  name: string;
  /** The letters that open every certificate number, e.g. `SX`. */
  prefix: string;
}

/**
 * An issued certificate: a frozen snapshot of what was certified, never edited. Revocation is a
 * separate record; a re-issue is a new certificate whose `supersedes` names this one's number.
 */
export interface Certificate {
  _id: Types.ObjectId;
  /** Human-friendly and unique: `SX-2026-7K3M-9QXD`. */
  number: string;
  /** The public, unguessable token of `/verify/<code>`. */
  verificationCode: string;
  /** What makes it exactly-once: `completion:<id>`, `programme:<id>:<user>`, `reissue:<number>`. */
  issueKey: string;
  kind: CertificateKind;
  holder: CertificateHolder;
  title: CertificateText;
  description?: CertificateText;
  moduleId?: string;
  moduleVersion?: number;
  programmeId?: string;
  /** The completion a module certificate certifies. */
  completionId?: string;
  hours: number;
  category: Category;
  completedAt: Date;
  /** When the learner started the activity (first lesson opened), when known. */
  activityStartedAt?: Date;
  issuer: CertificateIssuer;
  /** The ledger entries (`entryId`) whose hours this certificate certifies. */
  ledgerEntryIds: string[];
  issuedAt: Date;
  /** The number of the certificate this one replaces. */
  supersedes?: string;
}

export const REVOCATION_REASONS = ['issued-in-error', 'misconduct', 'data-correction', 'holder-request', 'other'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface Revocation {
  certificateId: Types.ObjectId;
  number: string;
  reasonCategory: RevocationReason;
  note?: string;
  revokedBy: { userId?: string; name: string };
  revokedAt: Date;
}

export type CertificateStatus =
  | { state: 'valid' }
  | { state: 'revoked'; at: Date; reasonCategory: RevocationReason }
  | { state: 'superseded'; by: string };

export type CertificateState = CertificateStatus['state'];

/** A named set of modules whose completion together earns a programme certificate. */
export interface Programme {
  programmeId: string;
  title: CertificateText;
  description?: CertificateText;
  category: Category;
  moduleIds: string[];
  updatedAt: Date;
  updatedBy: string;
}

/** The settings issuing and rendering need (from CERTIFICATE_* variables). */
export interface CertificateSettings {
  issuer: CertificateIssuer;
  /** A PNG drawn as the issuer's seal; a drawn placeholder when absent. */
  sealImagePath?: string;
}
