import { MAX_CREDIT_HOURS } from '..';

/**
 * Values shared by the form path (`service.ts`) and the import path (`import.ts`), so both
 * accept and refuse the same hours and dates with the same words.
 */

/** Days are China Standard Time days: 2026-03-05 is the day that starts at 00:00 in Beijing. */
const CHINA_OFFSET_MS = 8 * 3600_000;
/** The ledger's training years start in 1990. */
export const EARLIEST_DAY = '1990-01-01';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The China calendar day of a moment, as YYYY-MM-DD. */
export function chinaDay(date: Date): string {
  const local = new Date(date.getTime() + CHINA_OFFSET_MS);
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

/** The moment a China calendar day starts. */
export function startOfChinaDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day) - CHINA_OFFSET_MS);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * A day written as YYYY-MM-DD (also YYYY/M/D, as spreadsheets in zh-CN often save dates), as the
 * moment it starts in China. Refuses days that do not exist (2026-02-30).
 */
export function parseDay(text: string): Parsed<Date> {
  const match = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text.normalize('NFKC').trim());
  if (!match) return { ok: false, problem: 'must be a date written YYYY-MM-DD' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = startOfChinaDay(year, month, day);
  if (chinaDay(date) !== `${pad(year, 4)}-${pad(month)}-${pad(day)}`) return { ok: false, problem: `${text.trim()} is not a date in the calendar` };
  return { ok: true, value: date };
}

/** Why a day may not be an activity's day: after today (in China) or before 1990; undefined if fine. */
export function dayProblem(date: Date, now: Date): string | undefined {
  if (Number.isNaN(date.getTime())) return 'must be a valid date';
  const day = chinaDay(date);
  if (day > chinaDay(now)) return `${day} is in the future: record an activity once it has taken place`;
  if (day < EARLIEST_DAY) return `${day} is before ${EARLIEST_DAY}`;
  return undefined;
}

/** Why a number may not be an activity's hours: not > 0 and ≤ 200, or more than 2 decimals. */
export function hoursProblem(hours: number): string | undefined {
  if (typeof hours !== 'number' || !Number.isFinite(hours)) return 'must be a number';
  if (hours <= 0 || hours > MAX_CREDIT_HOURS) return `must be more than 0 and at most ${MAX_CREDIT_HOURS}`;
  if (Math.abs(hours * 100 - Math.round(hours * 100)) > 1e-6) return 'must have at most 2 decimals (hours are kept to the hundredth)';
  return undefined;
}

/** Hours written in a file cell: "2", "1.5", "１.５" (full-width), never "1,5" or "2h". */
export function parseHours(text: string): Parsed<number> {
  const folded = text.normalize('NFKC').trim();
  if (!/^\d+(\.\d+)?$/.test(folded)) return { ok: false, problem: `"${text.trim()}" is not a number of hours (write e.g. 2 or 1.5)` };
  const hours = Number(folded);
  const problem = hoursProblem(hours);
  return problem ? { ok: false, problem } : { ok: true, value: Math.round(hours * 100) / 100 };
}

/** Control characters and bidirectional overrides have no place in a one-line text (a title). */
// eslint-disable-next-line no-control-regex
export const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** The same for a multi-line text (notes), which may keep line breaks and tabs. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
