export {
  TRAINING_MODES,
  trainingModeSchema,
  SOURCE_KINDS,
  MAX_CREDIT_HOURS,
  MAX_REASON_LENGTH,
  ledgerEntrySchema,
  appendInputSchema,
  reverseInputSchema,
  roundHours,
  calendarYearInChina,
  type TrainingMode,
  type LedgerEntry,
  type EntrySource,
  type CreditSource,
  type TeacherSnapshot,
  type EntryAssessment,
  type RecordedBy,
  type AppendInput,
  type ReverseInput,
} from './schema';
export {
  LedgerError,
  LedgerInputError,
  LedgerEntryNotFoundError,
  LedgerRefusedError,
  LedgerConflictError,
  LedgerContentionError,
  LedgerAppendOnlyError,
} from './errors';
export { LedgerEntryModel } from './store';
export { GENESIS_HASH, canonicalJson, computeEntryHash } from './hash';
export { appendEntry, type AppendResult } from './append';
export { reverseEntry, correctEntry, findEntry, reversalKey, correctionKey, type CorrectInput, type CorrectionChanges } from './reverse';
export { verifyLedger, type VerifyReport, type ChainBreak } from './verify';
export { listTeacherEntries, teacherBalance, streamEntries, type EntryWithTotal, type BalanceRow, type EntryFilter } from './queries';
export {
  creditCompletion,
  registerLedgerListener,
  catchUpCompletions,
  hasPassedAssessment,
  completionKey,
  COMPLETION_CREDIT_RULE,
  type CatchUpReport,
} from './credit';
