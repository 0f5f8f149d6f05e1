export type { CourseBundle, CourseFile, LessonSource, ModuleSource } from './types';
export { readCourseZip, writeCourseZip, ZIP_LIMITS, ZIP_ITSELF, type ZipLimits } from './zip';
export { readBundleZip, writeBundleZip, type ReadBundle } from './bundle';
export { importGift } from './gift';
export { importAiken } from './aiken';
export { type ImportProblem, type ProblemCode, type QuestionImport, type QuestionImportOptions, type FeedbackLabels } from './question-import';
export { convertQuestions, addQuestionsToDraft, QUESTION_FORMATS, MAX_QUESTION_TEXT_BYTES, type QuestionFormat } from './questions';
export {
  exportDraftZip,
  exportPublishedZip,
  planImport,
  applyImport,
  DraftNotExportableError,
  ModuleNotPublishedError,
  ImportPlanChangedError,
  ImportHasErrorsError,
  type ImportPlan,
  type ImportOutcome,
  type ModulePlan,
  type BankPlan,
  type ModuleAction,
  type RefusalReason,
} from './transfer';
