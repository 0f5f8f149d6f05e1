import type { DraftError } from './types';

/** Someone else saved first: the caller's changes were not written. */
export class DraftConflictError extends Error {
  constructor(
    readonly draftId: string,
    readonly latestRevision: number,
    readonly savedBy: string,
    readonly savedAt: Date,
  ) {
    super(`draft ${draftId} was saved by ${savedBy} (revision ${latestRevision}) since you opened it`);
    this.name = 'DraftConflictError';
  }
}

export class DraftNotFoundError extends Error {
  constructor(readonly draftId: string) {
    super(`no draft ${draftId}`);
    this.name = 'DraftNotFoundError';
  }
}

export class DraftExistsError extends Error {
  constructor(readonly draftId: string) {
    super(`a draft or module ${draftId} already exists`);
    this.name = 'DraftExistsError';
  }
}

export class NotAllowedError extends Error {
  constructor(readonly draftId: string) {
    super(`not an owner or editor of ${draftId}`);
    this.name = 'NotAllowedError';
  }
}

/** Publishing refused because the draft breaks the course format. */
export class DraftInvalidError extends Error {
  constructor(
    readonly draftId: string,
    readonly errors: DraftError[],
  ) {
    super(`draft ${draftId} has ${errors.length} error(s)`);
    this.name = 'DraftInvalidError';
  }
}

/** Someone published the same module version a moment earlier; the draft is unchanged. */
export class PublishConflictError extends Error {
  constructor(
    readonly draftId: string,
    readonly version: number,
  ) {
    super(`module ${draftId} version ${version} was published by someone else a moment ago`);
    this.name = 'PublishConflictError';
  }
}
