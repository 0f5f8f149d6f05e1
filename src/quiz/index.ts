export { itemKey, type BankContent, type Banks } from './items';
export { createSeed, seededRandom, type Random } from './random';
export { drawAttempt, DrawError, type Draw, type DrawnItemRef, type DrawInput, type DrawPolicy, type DrawErrorCode } from './draw';
export { resolveDraw, resolveDrawnItem, bankVersionLookup, type DrawnItem, type BankVersionLookup } from './resolve';
export { presentedIdOf, bankIdOf } from './presented-ids';
export { presentAttempt, presentItem, type PresentedItem, type PresentedChoice } from './present';
export {
  submissionSchemas,
  validateSubmission,
  validateResponse,
  type ItemResponse,
  type Responses,
  type Rejection,
  type RejectionReason,
  type ResponseCheck,
  type SubmissionCheck,
} from './response';
export { gradeAttempt, gradeItem, type AttemptGrade, type ItemGrade, type Correctness } from './grade';
export {
  canStartAttempt,
  currentCycle,
  attemptDeadline,
  timeRemaining,
  isLate,
  countedAttempt,
  reviewDecision,
  passExpiresAt,
  hasPassExpired,
  type AttemptFacts,
  type StartDecision,
  type TimeAccommodation,
  type ReviewDecision,
} from './policy';
export { buildReview, type AttemptReview, type ReviewItem, type ReviewChoice, type ReviewPremise, type ReviewResult } from './review';
export { moduleStatistics, type ModuleStatistics, type ItemStatistics } from './statistics';
export {
  assessmentStatus,
  startAttempt,
  loadAttempt,
  presentOpenAttempt,
  saveResponses,
  submitAttempt,
  reviewAttempt,
  setAccommodation,
  type AssessmentStatus,
  type AttemptSummary,
  type StartOutcome,
  type OpenAttempt,
  type SaveOutcome,
  type SubmitOutcome,
} from './attempts';
export { moduleResultsReport, attemptRows, type ModuleResultsReport, type AttemptRow } from './results';
export { AttemptModel, AttemptResultModel, AccommodationModel, type StoredAttempt, type StoredResult, type SavedResponse } from './attempt-store';
export { toPresentedResponse } from './presented-response';
export { answerKey } from './answer-key';
