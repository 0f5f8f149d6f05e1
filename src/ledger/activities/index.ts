export { type Actor } from './actor';
export {
  ActivityError,
  ActivityInputError,
  ActivityForbiddenError,
  ActivityNotFoundError,
  ActivityConflictError,
  EvidenceRejectedError,
  EvidenceNotFoundError,
  ImportRefusedError,
} from './errors';
export { TRAINING_MODE_NAMES, CATEGORY_NAMES, parseTrainingMode, parseCategory } from './names';
export {
  storeEvidence,
  readEvidence,
  describeEvidence,
  sniffEvidenceType,
  sanitiseFileName,
  MAX_EVIDENCE_BYTES,
  MAX_EVIDENCE_FILES,
  EVIDENCE_CONTENT_TYPES,
  FILE_ID_PATTERN,
  type StoredEvidence,
  type EvidenceDownload,
  type EvidenceContentType,
} from './evidence';
export { OfflineActivityModel, ActivityDecisionModel, type OfflineActivity, type ActivityDecision, type Decision, type Person } from './store';
export {
  recordActivity,
  getActivity,
  listActivities,
  approveActivity,
  rejectActivity,
  MAX_TITLE_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_TEACHERS,
  type RecordActivityInput,
  type RecordOptions,
  type ActivityView,
  type ActivityStatus,
  type ActivityFilter,
  type ApproveResult,
} from './service';
export { applyApprovedActivities, activityEntryKey, OFFLINE_CREDIT_RULE, type ApplyReport, type CreditReport } from './apply';
export {
  dryRunImport,
  commitImport,
  importKey,
  IMPORT_COLUMNS,
  IMPORT_ERROR_CODES,
  MAX_IMPORT_ROWS,
  MAX_IMPORT_BYTES,
  type ImportFile,
  type ImportRow,
  type ImportError,
  type ImportErrorCode,
  type DryRunResult,
  type CommitResult,
} from './import';
