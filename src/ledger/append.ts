import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { LedgerConflictError, LedgerContentionError, LedgerInputError } from './errors';
import { computeEntryHash, GENESIS_HASH } from './hash';
import {
  appendInputSchema,
  ledgerEntrySchema,
  roundHours,
  SCHOOL_BASED,
  type AppendInput,
  type LedgerEntry,
  type ParsedAppendInput,
} from './schema';
import { LedgerEntryModel } from './store';

const DUPLICATE_KEY = 11000;
/** Each lost race means another append took the next sequence; 30 covers 30 concurrent appends. */
export const MAX_APPEND_ATTEMPTS = 30;
/** Reads leave out mongoose's `_id`: an entry is named by its `entryId`. */
export const ENTRY_PROJECTION = { _id: 0 } as const;

export interface AppendResult {
  entry: LedgerEntry;
  /** false when the idempotency key (or, for a reversal, the reversed entry) already had its entry. */
  created: boolean;
}

/** An entry before the ledger gives it its place in the teacher's chain. */
export type EntryDraft = Omit<LedgerEntry, 'entryId' | 'sequence' | 'prevHash' | 'hash'>;

/**
 * Appends a credit to the teacher's chain, exactly once per idempotency key:
 * 1. the key already has an entry → that entry (nothing new);
 * 2. otherwise read the teacher's last entry and insert at sequence + 1 with its hash as
 *    `prevHash`. The unique (teacher, sequence) index lets one of two concurrent appends win;
 *    the loser reads again and retries (bounded). A duplicate idempotency key means a concurrent
 *    call with the same key won: its entry is returned.
 * Throws `LedgerInputError` listing every problem with the input, `LedgerConflictError` when the
 * key already names a different credit.
 */
export async function appendEntry(input: AppendInput): Promise<AppendResult> {
  const credit = parseAppendInput(input);
  const draft: EntryDraft = {
    teacher: credit.teacher.id,
    teacherSnapshot: {
      displayName: credit.teacher.displayName,
      ...(credit.teacher.schoolCode ? { schoolCode: credit.teacher.schoolCode } : {}),
    },
    source: credit.source,
    category: credit.category,
    ...(credit.trainingMode ? { trainingMode: credit.trainingMode } : {}),
    hours: roundHours(credit.hours),
    trainingYear: credit.trainingYear,
    occurredAt: credit.occurredAt,
    ...(credit.assessment ? { assessment: credit.assessment } : {}),
    creditRule: credit.creditRule,
    recordedBy: credit.recordedBy,
    recordedAt: credit.recordedAt ?? new Date(),
    idempotencyKey: credit.idempotencyKey,
  };
  return insertChained(draft);
}

/** Validates with zod and the rules across fields, and reports all problems at once. */
export function parseAppendInput(input: unknown): ParsedAppendInput {
  const parsed = appendInputSchema.safeParse(input);
  const problems = [...(parsed.success ? [] : formatIssues(parsed.error.issues)), ...crossFieldProblems(input)];
  if (problems.length > 0 || !parsed.success) throw new LedgerInputError(problems);
  return parsed.data;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${issue.message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Checked on the raw input so they are reported even when other fields are invalid. */
function crossFieldProblems(input: unknown): string[] {
  if (!isRecord(input)) return [];
  const problems: string[] = [];
  if (input.trainingMode !== undefined && input.category !== SCHOOL_BASED) {
    problems.push(`trainingMode: only school-based training has a training mode (category is ${JSON.stringify(input.category)})`);
  }
  if (isRecord(input.source) && input.source.kind === 'module') {
    if (input.assessment === undefined) problems.push('assessment: a credit from a module carries its assessment result');
    else if (isRecord(input.assessment) && input.assessment.passed !== true) {
      problems.push('assessment.passed: hours are credited only for a passed assessment');
    }
  }
  if (isRecord(input.recordedBy) && input.recordedBy.kind === 'user' && input.recordedBy.id === undefined) {
    problems.push('recordedBy.id: an entry recorded by a user names that user');
  }
  return problems;
}

function isDuplicateKey(error: unknown): boolean {
  return isRecord(error) && error.code === DUPLICATE_KEY;
}

export async function findEntryByKey(idempotencyKey: string): Promise<LedgerEntry | null> {
  return LedgerEntryModel.findOne({ idempotencyKey }, ENTRY_PROJECTION).lean<LedgerEntry>();
}

/** The same key must not be reused for something else: that would silently drop a credit. */
function assertSameCredit(existing: LedgerEntry, draft: EntryDraft): void {
  const same =
    existing.teacher.equals(draft.teacher) &&
    existing.category === draft.category &&
    existing.hours === draft.hours &&
    existing.source.kind === draft.source.kind;
  if (!same) {
    throw new LedgerConflictError(
      `idempotency key "${draft.idempotencyKey}" already names entry ${existing.entryId} with different content (teacher, category, hours or source)`,
    );
  }
}

/**
 * Places a draft at the end of its teacher's chain. Shared by credits and reversals; a reversal
 * draft (with `reversalOf`) also returns an existing reversal of the same entry.
 */
export async function insertChained(draft: EntryDraft): Promise<AppendResult> {
  const entryId = randomUUID();
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
    const existing = await findEntryByKey(draft.idempotencyKey);
    if (existing) {
      assertSameCredit(existing, draft);
      return { entry: existing, created: false };
    }
    if (draft.reversalOf !== undefined) {
      const reversal = await LedgerEntryModel.findOne({ reversalOf: draft.reversalOf }, ENTRY_PROJECTION).lean<LedgerEntry>();
      if (reversal) return { entry: reversal, created: false };
    }

    const last = await LedgerEntryModel.findOne({ teacher: draft.teacher }, { _id: 0, sequence: 1, hash: 1 })
      .sort({ sequence: -1 })
      .lean<Pick<LedgerEntry, 'sequence' | 'hash'>>();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content = { entryId, ...draft, sequence: (last?.sequence ?? 0) + 1 };
    const entry: LedgerEntry = { ...content, prevHash, hash: computeEntryHash(content, prevHash) };
    const checked = ledgerEntrySchema.safeParse(entry);
    if (!checked.success) throw new LedgerInputError(formatIssues(checked.error.issues));

    try {
      await LedgerEntryModel.create(entry);
      return { entry, created: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Lost a race: for the key (loop returns the winner), the reversal, or the sequence (retry).
      await sleep(Math.random() * Math.min(40, 2 * attempt));
    }
  }
  throw new LedgerContentionError(
    `could not append "${draft.idempotencyKey}" after ${MAX_APPEND_ATTEMPTS} attempts: other appends for the same teacher kept taking the next sequence`,
  );
}
