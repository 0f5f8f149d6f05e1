/** Every error this folder throws on purpose; callers tell them apart with `instanceof`. */
export class ActivityError extends Error {
  override name = 'ActivityError';
}

/** The input was not a valid activity; `problems` lists every problem found, as `field: message`. */
export class ActivityInputError extends ActivityError {
  override name = 'ActivityInputError';
  constructor(readonly problems: string[]) {
    super(`invalid activity: ${problems.join('; ')}`);
  }
}

/** The actor may not do this: wrong role, a teacher outside their schools, or the four-eyes rule. */
export class ActivityForbiddenError extends ActivityError {
  override name = 'ActivityForbiddenError';
}

export class ActivityNotFoundError extends ActivityError {
  override name = 'ActivityNotFoundError';
  constructor(readonly activityId: string) {
    super(`no offline activity ${activityId}`);
  }
}

/** The activity already has the other decision (approving a rejected activity, or the reverse). */
export class ActivityConflictError extends ActivityError {
  override name = 'ActivityConflictError';
}

/** An evidence file that is not accepted: too large, empty, or not a PDF, PNG, JPEG, DOCX or XLSX. */
export class EvidenceRejectedError extends ActivityError {
  override name = 'EvidenceRejectedError';
  constructor(readonly reason: string) {
    super(`evidence rejected: ${reason}`);
  }
}

/** No stored evidence under this id (also for ids that do not match the id pattern). */
export class EvidenceNotFoundError extends ActivityError {
  override name = 'EvidenceNotFoundError';
  constructor(readonly fileId: string) {
    super(`no evidence file ${JSON.stringify(fileId.slice(0, 80))}`);
  }
}

/**
 * `commitImport` refused to write anything: the file still has errors (`errors` lists them as
 * the dry run does), or it is not the file the dry run checked (`reason: 'checksum'`).
 */
export class ImportRefusedError extends ActivityError {
  override name = 'ImportRefusedError';
  constructor(
    readonly reason: 'errors' | 'checksum',
    message: string,
    readonly errors: readonly { row: number; column: string | null; message: string }[] = [],
  ) {
    super(message);
  }
}
