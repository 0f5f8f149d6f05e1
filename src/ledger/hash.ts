import { createHash } from 'node:crypto';

/**
 * The hash chain. Each entry's `hash` is
 *
 *     sha256_hex( canonicalJson(entry content) + prevHash )
 *
 * where `prevHash` is the `hash` of the teacher's previous entry (by `sequence`), or
 * `GENESIS_HASH` for the first. The canonical JSON is `JSON.stringify` of an object built in a
 * fixed key order:
 *
 * - top level: CONTENT_FIELDS below, in that order (everything stored except `_id`, `prevHash`
 *   and `hash`); nested objects in the order of NESTED_FIELDS;
 * - absent and null fields are left out, so adding an optional field later does not change the
 *   hash of entries that never had it;
 * - any field not listed (an edit that added one) follows the listed ones, keys sorted, so it
 *   changes the hash too;
 * - dates as ISO 8601 strings (`toISOString()`), ObjectIds as 24 lowercase hex characters,
 *   numbers, strings and booleans as `JSON.stringify` writes them.
 */
export const GENESIS_HASH = '0'.repeat(64);

export const CONTENT_FIELDS = [
  'entryId',
  'teacher',
  'teacherSnapshot',
  'source',
  'category',
  'trainingMode',
  'hours',
  'trainingYear',
  'occurredAt',
  'assessment',
  'creditRule',
  'recordedBy',
  'recordedAt',
  'idempotencyKey',
  'reversalOf',
  'reason',
  'sequence',
] as const;

export const NESTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  teacherSnapshot: ['displayName', 'schoolCode'],
  source: ['kind', 'moduleId', 'moduleVersion', 'attemptId', 'completionId', 'activityId'],
  assessment: ['passed', 'scorePercent'],
  recordedBy: ['kind', 'id', 'name'],
};

/** Stored beside the content, outside the canonical form. */
const CHAIN_FIELDS = ['_id', 'prevHash', 'hash'];

function isObjectId(value: object): value is { toHexString(): string } {
  return (value as { _bsontype?: unknown })._bsontype === 'ObjectId';
}

function ordered(
  record: Record<string, unknown>,
  known: readonly string[],
  skip: readonly string[] = [],
  nested: Readonly<Record<string, readonly string[]>> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra = Object.keys(record)
    .filter((key) => !known.includes(key) && !skip.includes(key))
    .sort();
  for (const key of [...known, ...extra]) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    out[key] = canonicalValue(value, nested[key] ?? []);
  }
  return out;
}

function canonicalValue(value: unknown, known: readonly string[]): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return value.map((item: unknown) => canonicalValue(item, []));
  if (typeof value === 'object' && value !== null) {
    if (isObjectId(value)) return value.toHexString();
    return ordered(value as Record<string, unknown>, known);
  }
  return value;
}

/** The canonical JSON of an entry's content: a stored document, a lean read or a draft. */
export function canonicalJson(entry: Record<string, unknown>): string {
  return JSON.stringify(ordered(entry, CONTENT_FIELDS, CHAIN_FIELDS, NESTED_FIELDS));
}

export function computeEntryHash(entry: Record<string, unknown>, prevHash: string): string {
  return createHash('sha256').update(canonicalJson(entry)).update(prevHash).digest('hex');
}

/** Fields of a stored document that the entry shape does not have (a hand edit added them). */
export function unexpectedFields(entry: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (!(CONTENT_FIELDS as readonly string[]).includes(key) && !CHAIN_FIELDS.includes(key)) found.push(key);
    const nested = NESTED_FIELDS[key];
    if (nested && typeof value === 'object' && value !== null) {
      for (const inner of Object.keys(value)) if (!nested.includes(inner)) found.push(`${key}.${inner}`);
    }
  }
  return found;
}
