export type { ModuleDraft, DraftManifest, DraftLesson, DraftBank, DraftItem, DraftChanges, DraftError, Author } from './types';
export { DraftConflictError, DraftNotFoundError, DraftExistsError, DraftInvalidError, NotAllowedError, PublishConflictError } from './errors';
export {
  createDraft,
  getDraft,
  requireDraft,
  listDrafts,
  saveDraft,
  draftFromPublished,
  canEdit,
  canManageEditors,
  lessonPaths,
  manifestOfVersion,
  RESERVED_MODULE_IDS,
} from './drafts';
export { validateDraft, type DraftValidation, type PublishCandidate } from './validate';
export { publishDraft, type PublishOutcome } from './publish';
export { diffDraftAgainstPublished, compareContent, type ContentDiff, type FieldChange, type IdChanges } from './diff';
export { listAudit } from './audit';
export { previewQuiz, gradePreview, type QuizPreview, type PreviewResult } from './preview';
export { storeImage, findImage, ImageRejectedError, MAX_IMAGE_BYTES, type StoredImage } from './assets';
export { DraftRevisionModel, AuthoringAuditModel, AuthoringAssetModel, type AuditEntry } from './store';
