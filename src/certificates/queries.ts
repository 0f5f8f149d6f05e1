import { Types } from 'mongoose';
import { CertificateModel, RevocationModel } from './store';
import type { Certificate, CertificateState, CertificateStatus, Revocation } from './types';

export type CertificateWithStatus = Certificate & { status: CertificateStatus };

export async function findCertificateById(id: string | Types.ObjectId): Promise<Certificate | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  return CertificateModel.findById(new Types.ObjectId(id)).lean<Certificate>();
}

export async function findCertificateByNumber(number: string): Promise<Certificate | null> {
  return CertificateModel.findOne({ number: String(number) }).lean<Certificate>();
}

export async function findCertificateByCode(code: string): Promise<Certificate | null> {
  return CertificateModel.findOne({ verificationCode: String(code) }).lean<Certificate>();
}

/** Revoked wins over superseded: a revoked certificate is never to be trusted, whatever replaced it. */
function statusOf(certificate: Certificate, revocation: Revocation | undefined, successor: string | undefined): CertificateStatus {
  if (revocation) return { state: 'revoked', at: revocation.revokedAt, reasonCategory: revocation.reasonCategory };
  if (successor) return { state: 'superseded', by: successor };
  return { state: 'valid' };
}

export async function certificateStatus(certificate: Certificate): Promise<CertificateStatus> {
  return (await withStatuses([certificate]))[0]!.status;
}

/** Statuses for many certificates in two queries (revocations, successors). */
export async function withStatuses(certificates: Certificate[]): Promise<CertificateWithStatus[]> {
  if (certificates.length === 0) return [];
  const [revocations, successors] = await Promise.all([
    RevocationModel.find({ certificateId: { $in: certificates.map((c) => c._id) } }).lean<Revocation[]>(),
    CertificateModel.find({ supersedes: { $in: certificates.map((c) => c.number) } }, { number: 1, supersedes: 1 }).lean<Pick<Certificate, 'number' | 'supersedes'>[]>(),
  ]);
  const revoked = new Map(revocations.map((r) => [r.certificateId.toHexString(), r]));
  const replacedBy = new Map(successors.map((s) => [s.supersedes!, s.number]));
  return certificates.map((certificate) => ({
    ...certificate,
    status: statusOf(certificate, revoked.get(certificate._id.toHexString()), replacedBy.get(certificate.number)),
  }));
}

export async function findRevocation(certificateId: Types.ObjectId): Promise<Revocation | null> {
  return RevocationModel.findOne({ certificateId }).lean<Revocation>();
}

/** A learner's certificates, newest first, with their status. */
export async function listCertificatesOfUser(userId: Types.ObjectId | string): Promise<CertificateWithStatus[]> {
  const id = new Types.ObjectId(userId);
  return withStatuses(await CertificateModel.find({ 'holder.userId': id }).sort({ issuedAt: -1 }).lean<Certificate[]>());
}

/** Certificates of many learners (a roster), keyed by user id as a hex string. */
export async function listCertificatesOfUsers(userIds: (Types.ObjectId | string)[]): Promise<Map<string, CertificateWithStatus[]>> {
  const ids = userIds.map((id) => new Types.ObjectId(id));
  const found = await withStatuses(await CertificateModel.find({ 'holder.userId': { $in: ids } }).sort({ issuedAt: -1 }).lean<Certificate[]>());
  const byUser = new Map<string, CertificateWithStatus[]>(ids.map((id) => [id.toHexString(), []]));
  for (const certificate of found) byUser.get(certificate.holder.userId.toHexString())?.push(certificate);
  return byUser;
}

export interface CertificateSearch {
  /** Part of the holder's name or of the certificate number. */
  text?: string;
  moduleId?: string;
  state?: CertificateState;
  /** Undefined: every school (admins). */
  schoolCodes?: string[];
  limit?: number;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Registrars' search. Status is not stored on the certificate, so it is filtered after the
 * statuses are read; the limit applies to what is returned.
 */
export async function searchCertificates(search: CertificateSearch): Promise<CertificateWithStatus[]> {
  const filter: Record<string, unknown> = {};
  if (search.schoolCodes) filter['holder.schoolCode'] = { $in: search.schoolCodes };
  if (search.moduleId) filter.$or = [{ moduleId: search.moduleId }, { programmeId: search.moduleId }];
  if (search.text) {
    const pattern = new RegExp(escapeRegex(search.text), 'i');
    filter.$and = [{ $or: [{ 'holder.name': pattern }, { number: pattern }] }];
  }
  const found = await withStatuses(await CertificateModel.find(filter).sort({ issuedAt: -1 }).lean<Certificate[]>());
  const matching = search.state ? found.filter((c) => c.status.state === search.state) : found;
  return search.limit ? matching.slice(0, search.limit) : matching;
}

