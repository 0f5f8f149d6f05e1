import type { Column } from '../exports';
import type { CertificateWithStatus } from './queries';

/**
 * The certificate list as a table for the export writers (CSV/XLSX). Headers and status words
 * come from the caller's catalog; dates are the calendar day in China.
 */
export function certificateColumns(t: (key: string) => string): Column<CertificateWithStatus>[] {
  const day = (date: Date) => new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return [
    { header: t('certificates.columns.number'), value: (c) => c.number },
    { header: t('certificates.columns.holder'), value: (c) => c.holder.name },
    { header: t('certificates.columns.school'), value: (c) => c.holder.schoolName ?? c.holder.schoolCode ?? '' },
    { header: t('certificates.columns.kind'), value: (c) => t(`certificates.kind.${c.kind}`) },
    { header: t('certificates.columns.title'), value: (c) => c.title['zh-CN'] },
    { header: t('certificates.columns.module'), value: (c) => c.moduleId ?? c.programmeId ?? '' },
    { header: t('certificates.columns.version'), value: (c) => c.moduleVersion },
    { header: t('certificates.columns.category'), value: (c) => t(`category.${c.category}`) },
    { header: t('certificates.columns.hours'), value: (c) => c.hours },
    { header: t('certificates.columns.completedAt'), value: (c) => day(c.completedAt) },
    { header: t('certificates.columns.issuedAt'), value: (c) => day(c.issuedAt) },
    { header: t('certificates.columns.status'), value: (c) => t(`certificates.state.${c.status.state}`) },
    { header: t('certificates.columns.statusDetail'), value: (c) => (c.status.state === 'revoked' ? `${day(c.status.at)} ${t(`certificates.reason.${c.status.reasonCategory}`)}` : c.status.state === 'superseded' ? c.status.by : '') },
    { header: t('certificates.columns.verificationCode'), value: (c) => c.verificationCode },
  ];
}
