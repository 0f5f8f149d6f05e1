export type {
  Certificate,
  CertificateKind,
  CertificateText,
  CertificateHolder,
  CertificateIssuer,
  CertificateStatus,
  CertificateState,
  CertificateSettings,
  Revocation,
  RevocationReason,
  Programme,
} from './types';
export { REVOCATION_REASONS } from './types';
export { CertificateError } from './errors';
export { CertificateModel, RevocationModel, ProgrammeModel } from './store';
export { CERTIFICATE_NUMBER_PATTERN, VERIFICATION_CODE_PATTERN } from './numbers';
export { certificateSettingsFrom, DEFAULT_CERTIFICATE_SETTINGS } from './settings';
export {
  findCertificateById,
  findCertificateByNumber,
  findCertificateByCode,
  findRevocation,
  certificateStatus,
  withStatuses,
  listCertificatesOfUser,
  listCertificatesOfUsers,
  searchCertificates,
  type CertificateWithStatus,
  type CertificateSearch,
} from './queries';
export {
  issueForCompletion,
  issueProgrammeCertificates,
  reissueCertificate,
  registerCertificateListener,
  catchUpCertificates,
  catchUpProgrammeCertificates,
  completionIssueKey,
  type IssueResult,
  type CertificateCatchUpReport,
} from './issue';
export { revokeCertificate, type RevokeInput } from './revoke';
export { listProgrammes, findProgramme, saveProgramme, seedDefaultProgrammes, programmeInputSchema, NEW_HOMEROOM_PROGRAMME_ID, type ProgrammeInput } from './programmes';
export { renderCertificatePdf, verificationUrl, QR_BOX, PAGE, type Translate, type PdfLanguage, type RenderOptions } from './pdf/render';
export { findCjkFont, parsedCjkFont, MissingFontError, MISSING_FONT_MESSAGE, type CjkFont } from './pdf/font';
export { certificateColumns } from './export';
