import { z } from 'zod';
import { bankIdOf } from './presented-ids';
import type { DrawnItem } from './resolve';

/** What a learner submits for one item, in presented ids (see presented-ids.ts). */
export const submissionSchemas = {
  single: z.string(),
  multiple: z.array(z.string()),
  'true-false': z.boolean(),
  ordering: z.array(z.string()),
  /** presented premise id → presented response id */
  matching: z.record(z.string(), z.string()),
} as const;

/** A validated response, in bank ids, as stored and graded. */
export type ItemResponse =
  | { type: 'single'; optionId: string }
  | { type: 'multiple'; optionIds: string[] }
  | { type: 'true-false'; value: boolean }
  | { type: 'ordering'; stepIds: string[] }
  /** premise id → response id; premises left out were not answered. */
  | { type: 'matching'; matches: Record<string, string> };

/** Item key → response. An item without an entry was not answered. */
export type Responses = Readonly<Record<string, ItemResponse>>;

export type RejectionReason =
  | 'not-an-object'
  | 'item-not-in-attempt'
  | 'wrong-shape'
  | 'unknown-option'
  | 'duplicate-option'
  | 'incomplete-order'
  | 'unknown-premise'
  | 'unknown-response';

export interface Rejection {
  reason: RejectionReason;
  /** Absent when the submission as a whole is unusable. */
  itemKey?: string;
  detail: string;
}

export type ResponseCheck = { ok: true; response: ItemResponse | undefined } | { ok: false; rejection: Rejection };
export type SubmissionCheck = { ok: true; responses: Responses } | { ok: false; rejections: Rejection[] };

/**
 * Checks a whole submission (item key → raw answer) against the drawn items. A submission with any
 * problem is rejected whole: a tampered or malformed answer is never partly graded. `null`, an
 * empty list or an empty map mean "not answered" and are fine.
 */
export function validateSubmission(items: readonly DrawnItem[], raw: unknown): SubmissionCheck {
  if (!isPlainObject(raw)) {
    return { ok: false, rejections: [{ reason: 'not-an-object', detail: 'a submission maps item keys to answers' }] };
  }
  const byKey = new Map(items.map((drawn) => [drawn.key, drawn]));
  const responses: Record<string, ItemResponse> = {};
  const rejections: Rejection[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const drawn = byKey.get(key);
    if (!drawn) {
      rejections.push({ reason: 'item-not-in-attempt', itemKey: key, detail: `"${key}" is not an item of this attempt` });
      continue;
    }
    const check = validateResponse(drawn, value);
    if (!check.ok) rejections.push(check.rejection);
    else if (check.response) responses[key] = check.response;
  }
  return rejections.length > 0 ? { ok: false, rejections } : { ok: true, responses };
}

/** Checks the answer to one item, e.g. when a page saves answers one at a time. */
export function validateResponse(drawn: DrawnItem, raw: unknown): ResponseCheck {
  if (raw === undefined || raw === null) return answered(undefined);
  const reject = (reason: RejectionReason, detail: string): ResponseCheck => ({
    ok: false,
    rejection: { reason, itemKey: drawn.key, detail },
  });
  const shape = submissionSchemas[drawn.type].safeParse(raw);
  if (!shape.success) return reject('wrong-shape', `a ${drawn.type} item does not take ${describe(raw)}`);

  switch (drawn.type) {
    case 'single': {
      const optionId = bankIdOf(drawn.optionOrder, raw as string);
      return optionId ? answered({ type: 'single', optionId }) : reject('unknown-option', `no option "${String(raw)}"`);
    }
    case 'true-false':
      return answered({ type: 'true-false', value: raw as boolean });
    case 'multiple':
    case 'ordering': {
      const presented = raw as string[];
      if (presented.length === 0) return answered(undefined);
      const order = drawn.type === 'multiple' ? drawn.optionOrder : drawn.stepOrder;
      const ids: string[] = [];
      for (const presentedId of presented) {
        const id = bankIdOf(order, presentedId);
        if (!id) return reject('unknown-option', `no option "${presentedId}"`);
        if (ids.includes(id)) return reject('duplicate-option', `option "${presentedId}" is listed twice`);
        ids.push(id);
      }
      if (drawn.type === 'multiple') return answered({ type: 'multiple', optionIds: ids });
      if (ids.length !== order.length) return reject('incomplete-order', `an ordering answer lists all ${order.length} steps`);
      return answered({ type: 'ordering', stepIds: ids });
    }
    case 'matching': {
      // The raw object, not zod's copy: zod drops a "__proto__" key, which should be refused, not ignored.
      const entries = Object.entries(raw as Record<string, string>);
      if (entries.length === 0) return answered(undefined);
      const matches: Record<string, string> = {};
      for (const [presentedPremise, presentedResponse] of entries) {
        const premise = bankIdOf(drawn.premiseOrder, presentedPremise);
        if (!premise) return reject('unknown-premise', `no premise "${presentedPremise}"`);
        const response = bankIdOf(drawn.responseOrder, presentedResponse);
        if (!response) return reject('unknown-response', `no response "${presentedResponse}"`);
        matches[premise] = response;
      }
      return answered({ type: 'matching', matches });
    }
  }
}

function answered(response: ItemResponse | undefined): ResponseCheck {
  return { ok: true, response };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}
