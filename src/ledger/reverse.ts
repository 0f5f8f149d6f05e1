import {
  appendEntry,
  ENTRY_PROJECTION,
  findEntryByKey,
  formatIssues,
  insertChained,
  parseAppendInput,
  type AppendResult,
  type EntryDraft,
} from './append';
import { LedgerEntryNotFoundError, LedgerInputError, LedgerRefusedError } from './errors';
import { reverseInputSchema, roundHours, type AppendInput, type LedgerEntry, type ParsedAppendInput, type RecordedBy, type ReverseInput, type TrainingMode } from './schema';
import { LedgerEntryModel } from './store';
import type { Category } from '../courses';

export const REVERSAL_RULE = 'reversal';
export const CORRECTION_RULE = 'correction';

/** The idempotency keys of the entries a reversal and a correction add for an entry. */
export const reversalKey = (entryId: string) => `reversal:${entryId}`;
export const correctionKey = (entryId: string) => `correction:${entryId}`;

export async function findEntry(entryId: string): Promise<LedgerEntry | null> {
  return LedgerEntryModel.findOne({ entryId }, ENTRY_PROJECTION).lean<LedgerEntry>();
}

function parseReverseInput(input: ReverseInput) {
  const parsed = reverseInputSchema.safeParse(input);
  const problems = parsed.success ? [] : formatIssues(parsed.error.issues);
  const actor = (input as { actor?: Partial<RecordedBy> } | null)?.actor;
  if (actor?.kind === 'user' && actor.id === undefined) problems.push('actor.id: a reversal by a user names that user');
  if (!parsed.success || problems.length > 0) throw new LedgerInputError(problems);
  return parsed.data;
}

/**
 * Cancels an entry by appending its reversal: the negated hours in the same category, training
 * year and training mode, with `reversalOf` and the reason. The entry itself is never touched.
 * Reversing the same entry again returns the first reversal (`created: false`): its idempotency
 * key is `reversal:<entryId>` and `reversalOf` is unique. A reversal cannot be reversed: to
 * restore reversed hours, append a new credit.
 */
export async function reverseEntry(input: ReverseInput): Promise<AppendResult> {
  const { entryId, reason, actor, recordedAt } = parseReverseInput(input);
  const original = await findEntry(entryId);
  if (!original) throw new LedgerEntryNotFoundError(entryId);
  if (original.source.kind === 'reversal') {
    throw new LedgerRefusedError(`entry ${entryId} is itself a reversal and cannot be reversed; append a new credit instead`);
  }
  const draft: EntryDraft = {
    teacher: original.teacher,
    // The teacher and school as they were on the reversed entry, so per-school totals net to zero.
    teacherSnapshot: original.teacherSnapshot,
    source: { kind: 'reversal' },
    category: original.category,
    ...(original.trainingMode ? { trainingMode: original.trainingMode } : {}),
    hours: -original.hours,
    trainingYear: original.trainingYear,
    occurredAt: original.occurredAt,
    creditRule: REVERSAL_RULE,
    recordedBy: actor,
    recordedAt: recordedAt ?? new Date(),
    idempotencyKey: reversalKey(entryId),
    reversalOf: entryId,
    reason,
  };
  return insertChained(draft);
}

export interface CorrectionChanges {
  hours?: number;
  category?: Category;
  /** `null` removes the training mode. */
  trainingMode?: TrainingMode | null;
  trainingYear?: number;
  occurredAt?: Date;
}

export interface CorrectInput {
  entryId: string;
  reason: string;
  actor: RecordedBy;
  changes: CorrectionChanges;
  recordedAt?: Date;
}

/**
 * A correction is a reversal of the entry plus a new entry with the corrected values (same
 * teacher, source and assessment), never an edit. The two appends are keyed `reversal:<entryId>`
 * and `correction:<entryId>`, so running the same correction again, e.g. after a crash between
 * the two, finishes it without duplicating either. An entry is corrected once: a different
 * correction of the same entry is refused (`LedgerRefusedError`); correct the replacement instead.
 */
export async function correctEntry(input: CorrectInput): Promise<{ reversal: AppendResult; replacement: AppendResult }> {
  const reverse = { entryId: input.entryId, reason: input.reason, actor: input.actor, recordedAt: input.recordedAt };
  parseReverseInput(reverse);
  const original = await findEntry(input.entryId);
  if (!original) throw new LedgerEntryNotFoundError(input.entryId);
  const source = original.source;
  if (source.kind === 'reversal') {
    throw new LedgerRefusedError(`entry ${input.entryId} is a reversal; correct the entry it reversed or append a new credit`);
  }
  const { changes } = input;
  const trainingMode = changes.trainingMode === null ? undefined : (changes.trainingMode ?? original.trainingMode);
  const replacement: AppendInput = {
    teacher: { id: original.teacher, displayName: original.teacherSnapshot.displayName, schoolCode: original.teacherSnapshot.schoolCode },
    source,
    category: changes.category ?? original.category,
    ...(trainingMode ? { trainingMode } : {}),
    hours: changes.hours ?? original.hours,
    trainingYear: changes.trainingYear ?? original.trainingYear,
    occurredAt: changes.occurredAt ?? original.occurredAt,
    ...(original.assessment ? { assessment: original.assessment } : {}),
    creditRule: CORRECTION_RULE,
    recordedBy: input.actor,
    recordedAt: input.recordedAt,
    idempotencyKey: correctionKey(input.entryId),
  };
  // Checked before the reversal, so a correction with bad values leaves the entry standing.
  const parsed = parseAppendInput(replacement);
  const earlier = await findEntryByKey(replacement.idempotencyKey);
  if (earlier && !sameCorrection(earlier, parsed)) {
    throw new LedgerRefusedError(`entry ${input.entryId} was already corrected by entry ${earlier.entryId}; correct that entry instead`);
  }
  const reversal = await reverseEntry(reverse);
  return { reversal, replacement: await appendEntry(replacement) };
}

function sameCorrection(earlier: LedgerEntry, replacement: ParsedAppendInput): boolean {
  return (
    earlier.hours === roundHours(replacement.hours) &&
    earlier.category === replacement.category &&
    earlier.trainingMode === replacement.trainingMode &&
    earlier.trainingYear === replacement.trainingYear &&
    earlier.occurredAt.getTime() === replacement.occurredAt.getTime()
  );
}
