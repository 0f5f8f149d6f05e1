import { CertificateError } from './errors';
import { findCertificateByNumber } from './queries';
import { RevocationModel } from './store';
import type { Revocation, RevocationReason } from './types';

const DUPLICATE_KEY = 11000;

export interface RevokeInput {
  number: string;
  reasonCategory: RevocationReason;
  note?: string;
  revokedBy: { userId?: string; name: string };
}

/**
 * Records a revocation: an insert, never an edit or delete of the certificate. The unique index
 * on the certificate makes it happen once; a second attempt is refused.
 */
export async function revokeCertificate(input: RevokeInput, now = new Date()): Promise<Revocation> {
  const certificate = await findCertificateByNumber(input.number);
  if (!certificate) throw new CertificateError('notFound', `no certificate ${input.number}`);
  try {
    const created = await RevocationModel.create({
      certificateId: certificate._id,
      number: certificate.number,
      reasonCategory: input.reasonCategory,
      ...(input.note ? { note: input.note } : {}),
      revokedBy: input.revokedBy,
      revokedAt: now,
    });
    return created.toObject() as Revocation;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) throw new CertificateError('alreadyRevoked', `certificate ${certificate.number} is already revoked`);
    throw error;
  }
}
