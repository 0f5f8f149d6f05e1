import { Types } from 'mongoose';
import type { Certificate, Translate } from '../../src/certificates';
import { DEFAULT_CERTIFICATE_SETTINGS } from '../../src/certificates';
import { translatorFor } from '../../src/web';

export const SAMPLE_BASE_URL = 'https://shixun.example.edu.cn';

/** A certificate as issued, without a database: for rendering tests and the rendering child. */
export const SAMPLE_CERTIFICATE: Certificate = {
  _id: new Types.ObjectId('65f000000000000000000001'),
  number: 'SX-2026-7K3M-9QXD',
  verificationCode: 'q8VvR2kLm0Xz_Tb4Hc-9YwJe',
  issueKey: 'completion:65f000000000000000000002',
  kind: 'module',
  holder: { userId: new Types.ObjectId('65f000000000000000000003'), name: '李晓雯', schoolCode: 'S001', schoolName: '新华路小学' },
  title: { 'zh-CN': '新任班主任的角色与职责', en: 'The role and duties of a new homeroom teacher' },
  moduleId: 'homeroom-new-role-and-duties',
  moduleVersion: 1,
  hours: 3.5,
  category: 'homeroom-new',
  completedAt: new Date('2026-09-01T08:00:00Z'),
  issuer: DEFAULT_CERTIFICATE_SETTINGS.issuer,
  ledgerEntryIds: ['entry-1'],
  issuedAt: new Date('2026-09-01T08:05:00Z'),
};

export const translate: Translate = (language, key, values) => translatorFor(language)(key, values);
