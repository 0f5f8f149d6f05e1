import type { TFunction } from 'i18next';
import type { LtiEvent } from '../diagnostics';
import { redactForDisplay } from './redact';

export interface DetailRow {
  label: string;
  text: string;
  /** Long or multi-line values (base strings, claims) go in a preformatted block. */
  block: boolean;
}

export interface EventRow {
  id: string;
  at: Date;
  /** For `<time datetime>`. */
  atIso: string;
  kind: LtiEvent['kind'];
  version?: LtiEvent['version'];
  outcome: LtiEvent['outcome'];
  source?: string;
  reason?: string;
  reasonText?: string;
  details: DetailRow[];
}

const CODE = /^[A-Za-z0-9_-]+$/;

/** The first of these messages that exists: the owning version's refusal text, then a generic one. */
function reasonText(t: TFunction, event: LtiEvent): string | undefined {
  const reason = event.reason;
  if (!reason || !CODE.test(reason)) return undefined;
  const candidates = [
    event.kind === 'passback' ? `passback.reason.${reason}` : undefined,
    event.version === '1.1' ? `lti11.refusal.${reason}` : undefined,
    event.version === '1.3' ? `lti13.refusal.${reason}` : undefined,
    `ltiAdmin.reasons.${reason}`,
  ];
  for (const key of candidates) {
    if (!key) continue;
    const text = t(key, { defaultValue: '' });
    if (typeof text === 'string' && text !== '') return text;
  }
  return undefined;
}

function displayText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value, null, 2);
}

/** One row of the diagnostics table: translated reason and redacted, labelled evidence. */
export function toEventRow(t: TFunction, event: LtiEvent): EventRow {
  const details = (redactForDisplay(event.details ?? {}) ?? {}) as Record<string, unknown>;
  return {
    id: event._id.toString(),
    at: event.at,
    atIso: new Date(event.at).toISOString(),
    kind: event.kind,
    version: event.version,
    outcome: event.outcome,
    source: event.source ? displayText(redactForDisplay(event.source)) : undefined,
    reason: event.reason,
    reasonText: reasonText(t, event),
    details: Object.entries(details).map(([key, value]) => {
      const text = displayText(value);
      return {
        label: CODE.test(key) ? String(t(`ltiAdmin.detail.${key}`, { defaultValue: key })) : key,
        text,
        block: text.includes('\n') || text.length > 80,
      };
    }),
  };
}
