import { Types } from 'mongoose';
import { newCertificateNumber, newVerificationCode } from '../../src/certificates/numbers';
import { CertificateModel } from '../../src/certificates/store';
import type { Certificate } from '../../src/certificates/types';

/** A module certificate as the issuer stores it; dates with milliseconds on purpose. */
export function certificateSnapshot(overrides: Partial<Certificate> = {}): Certificate {
  return {
    _id: new Types.ObjectId(),
    number: newCertificateNumber('SX', 2026),
    verificationCode: newVerificationCode(),
    issueKey: `test:${new Types.ObjectId().toHexString()}`,
    kind: 'module',
    holder: { userId: new Types.ObjectId(), name: '王丽华', schoolCode: 'XHL', schoolName: '新华路小学' },
    title: { 'zh-CN': '新任班主任的角色与职责', en: 'The new homeroom teacher: role and duties' },
    moduleId: 'homeroom-new-role-and-duties',
    moduleVersion: 2,
    hours: 6,
    category: 'homeroom-new',
    activityStartedAt: new Date('2026-06-20T01:02:03.456Z'),
    completedAt: new Date('2026-06-30T02:15:30.250Z'),
    issuer: { name: '师训教师培训中心', prefix: 'SX' },
    ledgerEntryIds: [],
    issuedAt: new Date('2026-06-30T02:15:31.750Z'),
    ...overrides,
  };
}

export async function storedCertificate(overrides: Partial<Certificate> = {}): Promise<Certificate> {
  const created = await CertificateModel.create(certificateSnapshot(overrides));
  return created.toObject() as Certificate;
}
