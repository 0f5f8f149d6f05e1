import type { DraftItem, DraftError } from '../../authoring';

/**
 * The question editor's form: every row field is named by its position (`options.2.text`), so
 * checkboxes and blank rows never misalign. Ids of options, premises and responses are kept in
 * hidden fields; new rows get the next free id. What the form cannot express is left for
 * `validateDraft` to report, never silently fixed.
 */
export type FormBody = Record<string, string | string[] | undefined>;

export const ITEM_TYPES = ['single', 'multiple', 'true-false', 'ordering', 'matching'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];
export const MAX_OPTIONS = 8;
export const MAX_PAIRS = 10;
const BLANK_ROWS = 2;

const field = (body: FormBody, name: string): string => {
  const value = body[name];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
};
const numberOrRaw = (text: string): number | string | undefined => (text === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text);
const tagList = (text: string) => text.split(/[,，\s]+/).map((tag) => tag.trim()).filter(Boolean);
const optional = (text: string) => (text === '' ? undefined : text);

function freshId(used: Set<string>, candidates: (n: number) => string): string {
  for (let n = 0; ; n += 1) {
    const id = candidates(n);
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}
const letter = (n: number) => (n < 26 ? String.fromCharCode(97 + n) : `o${n}`);

interface OptionRow {
  id: string;
  text: string;
  feedback?: string;
  pinned?: boolean;
  correct: boolean;
}

function optionRows(body: FormBody): OptionRow[] {
  const rows: { id: string; text: string; feedback: string; pinned: boolean; correct: boolean }[] = [];
  for (let i = 0; i < MAX_OPTIONS + BLANK_ROWS; i += 1) {
    const text = field(body, `options.${i}.text`);
    if (text === '') continue;
    rows.push({
      id: field(body, `options.${i}.id`),
      text,
      feedback: field(body, `options.${i}.feedback`),
      pinned: field(body, `options.${i}.pinned`) === 'on',
      correct: field(body, `options.${i}.correct`) === 'on' || field(body, 'answer') === String(i),
    });
  }
  const used = new Set(rows.map((row) => row.id).filter(Boolean));
  return rows.map((row) => ({
    id: row.id || freshId(used, letter),
    text: row.text,
    ...(row.feedback ? { feedback: row.feedback } : {}),
    ...(row.pinned ? { pinned: true } : {}),
    correct: row.correct,
  }));
}

/**
 * Form fields → a draft item of the type the form was for. A multiple-choice answer keeps the
 * order of `previous` (the form only has ticks), so re-saving an untouched question changes nothing.
 */
export function itemFromForm(type: ItemType, body: FormBody, previous?: DraftItem): DraftItem {
  const base = {
    id: field(body, 'id'),
    stem: field(body, 'stem'),
    difficulty: field(body, 'difficulty') as 'easy',
    tags: tagList(field(body, 'tags')),
    points: numberOrRaw(field(body, 'points')) as number,
    feedback: field(body, 'feedback'),
  };
  const strip = ({ correct: _correct, ...option }: OptionRow) => option;
  switch (type) {
    case 'single': {
      const rows = optionRows(body);
      return { ...base, type, options: rows.map(strip), answer: rows.find((row) => row.correct)?.id ?? '' };
    }
    case 'multiple': {
      const rows = optionRows(body);
      const scoring = field(body, 'scoring') === 'partial' ? 'partial' : 'all-or-nothing';
      const before = previous?.type === 'multiple' && Array.isArray(previous.answer) ? previous.answer : [];
      const rank = (id: string) => (before.includes(id) ? before.indexOf(id) : before.length);
      const answer = rows.filter((row) => row.correct).map((row) => row.id);
      return { ...base, type, options: rows.map(strip), answer: answer.sort((a, b) => rank(a) - rank(b)), scoring };
    }
    case 'ordering': {
      // Steps are written in the correct order (learners always see them shuffled); the options
      // keep their earlier listing, so only a real change of order changes the question.
      const rows = optionRows(body).map(({ pinned: _pinned, ...row }) => row);
      const before = previous?.type === 'ordering' && Array.isArray(previous.options) ? previous.options.map((option) => option.id) : [];
      const rank = (id: string) => (before.includes(id) ? before.indexOf(id) : before.length);
      const options = [...rows].sort((a, b) => rank(a.id) - rank(b.id)).map(strip);
      return { ...base, type, options, answer: rows.map((row) => row.id) };
    }
    case 'true-false':
      return { ...base, type, answer: field(body, 'answer') === 'true' ? true : field(body, 'answer') === 'false' ? false : (undefined as unknown as boolean) };
    case 'matching':
      return matchingFromForm(base, body, previous?.type === 'matching' && Array.isArray(previous.responses) ? previous.responses.map((r) => r.id) : []);
  }
}

/** Responses keep their earlier listing (`responseOrder`); new ones follow in the order written. */
function matchingFromForm(base: Omit<DraftItem, 'type' | 'answer'>, body: FormBody, responseOrder: readonly string[]): DraftItem {
  const pairs: { premiseId: string; premise: string; responseId: string; response: string }[] = [];
  for (let i = 0; i < MAX_PAIRS + BLANK_ROWS; i += 1) {
    const premise = field(body, `pairs.${i}.premise`);
    const response = field(body, `pairs.${i}.response`);
    if (premise === '' && response === '') continue;
    pairs.push({ premiseId: field(body, `pairs.${i}.premiseId`), premise, responseId: field(body, `pairs.${i}.responseId`), response });
  }
  const extras: { id: string; text: string }[] = [];
  for (let i = 0; i < MAX_PAIRS + BLANK_ROWS; i += 1) {
    const text = field(body, `extras.${i}.text`);
    if (text !== '') extras.push({ id: field(body, `extras.${i}.id`), text });
  }
  const premiseIds = new Set(pairs.map((pair) => pair.premiseId).filter(Boolean));
  const responseIds = new Set([...pairs.map((pair) => pair.responseId), ...extras.map((extra) => extra.id)].filter(Boolean));
  const premises: { id: string; text: string }[] = [];
  const responses: { id: string; text: string }[] = [];
  const answer: Record<string, string> = {};
  for (const pair of pairs) {
    const premiseId = pair.premiseId || freshId(premiseIds, (n) => `p${n + 1}`);
    premises.push({ id: premiseId, text: pair.premise });
    const responseId = pair.responseId || freshId(responseIds, (n) => `r${n + 1}`);
    // Two premises may share one response; it is listed once.
    if (!responses.some((r) => r.id === responseId)) responses.push({ id: responseId, text: pair.response });
    answer[premiseId] = responseId;
  }
  for (const extra of extras) responses.push({ id: extra.id || freshId(responseIds, (n) => `r${n + 1}`), text: extra.text });
  const rank = (id: string) => (responseOrder.includes(id) ? responseOrder.indexOf(id) : responseOrder.length);
  responses.sort((a, b) => rank(a.id) - rank(b.id));
  return { ...base, type: 'matching', premises, responses, answer } as DraftItem;
}

export interface ItemFormView {
  type: ItemType;
  id: string;
  stem: string;
  difficulty: string;
  tags: string;
  points: string;
  feedback: string;
  scoring?: string;
  answerTrue?: boolean;
  answerFalse?: boolean;
  options?: { index: number; id: string; text: string; feedback: string; pinned: boolean; correct: boolean; error?: string }[];
  pairs?: { index: number; premiseId: string; premise: string; responseId: string; response: string; error?: string }[];
  extras?: { index: number; id: string; text: string }[];
  errors: Record<string, string>;
}

/** A draft item (possibly invalid) → what the editor shows, with blank rows to add to and errors by field. */
export function itemFormView(item: DraftItem, errors: readonly DraftError[], prefix: string): ItemFormView {
  const byField: Record<string, string> = {};
  for (const error of errors) {
    if (!error.path.startsWith(`${prefix}.`) && error.path !== prefix) continue;
    const key = error.path.slice(prefix.length + 1) || 'item';
    if (byField[key]?.split('; ').includes(error.message)) continue;
    byField[key] = byField[key] ? `${byField[key]}; ${error.message}` : error.message;
  }
  const rowError = (...keys: string[]) =>
    Object.entries(byField)
      .filter(([key]) => keys.some((k) => key === k || key.startsWith(`${k}.`)))
      .map(([, message]) => message)
      .join('; ') || undefined;
  const raw = item as Record<string, unknown>;
  const view: ItemFormView = {
    type: item.type,
    id: String(item.id ?? ''),
    stem: String(item.stem ?? ''),
    difficulty: String(item.difficulty ?? 'medium'),
    tags: Array.isArray(item.tags) ? item.tags.join(', ') : '',
    points: item.points === undefined ? '1' : String(item.points),
    feedback: String(item.feedback ?? ''),
    errors: byField,
  };
  if (item.type === 'single' || item.type === 'multiple' || item.type === 'ordering') {
    const answers = new Set(typeof raw.answer === 'string' ? [raw.answer] : Array.isArray(raw.answer) ? (raw.answer as string[]) : []);
    type Option = { id: string; text: string; feedback?: string; pinned?: boolean };
    const listed = (raw.options as Option[] | undefined) ?? [];
    // Steps are edited in their correct order.
    const order = item.type === 'ordering' && Array.isArray(raw.answer) ? (raw.answer as string[]) : [];
    const rank = (option: Option) => (order.includes(option.id) ? order.indexOf(option.id) : order.length);
    const options = item.type === 'ordering' ? [...listed].sort((a, b) => rank(a) - rank(b)) : listed;
    const blanks: Option[] = Array.from({ length: Math.max(0, Math.min(BLANK_ROWS, MAX_OPTIONS - options.length)) }, () => ({ id: '', text: '' }));
    view.options = [...options, ...blanks].map(
      (option, index) => ({
        index,
        id: option.id,
        text: option.text,
        feedback: option.feedback ?? '',
        pinned: option.pinned === true,
        correct: option.id !== '' && answers.has(option.id),
        error: rowError(`options.${index}`),
      }),
    );
    if (item.type === 'multiple') view.scoring = String(raw.scoring ?? 'all-or-nothing');
  }
  if (item.type === 'true-false') {
    view.answerTrue = raw.answer === true;
    view.answerFalse = raw.answer === false;
  }
  if (item.type === 'matching') {
    const premises = (raw.premises as { id: string; text: string }[] | undefined) ?? [];
    const responses = (raw.responses as { id: string; text: string }[] | undefined) ?? [];
    const answer = (raw.answer as Record<string, string> | undefined) ?? {};
    const matched = new Set(Object.values(answer));
    const pairs = premises.map((premise) => {
      const response = responses.find((r) => r.id === answer[premise.id]);
      return { premiseId: premise.id, premise: premise.text, responseId: response?.id ?? '', response: response?.text ?? '' };
    });
    view.pairs = [...pairs, ...Array.from({ length: Math.max(0, Math.min(BLANK_ROWS, MAX_PAIRS - pairs.length)) }, () => ({ premiseId: '', premise: '', responseId: '', response: '' }))].map(
      (pair, index) => ({ index, ...pair, error: rowError(`premises.${index}`) }),
    );
    const extras = responses.filter((r) => !matched.has(r.id));
    view.extras = [...extras, ...Array.from({ length: BLANK_ROWS }, () => ({ id: '', text: '' }))].map((extra, index) => ({ index, ...extra }));
  }
  return view;
}

/** A new question of a type, with the blanks the editor fills. */
export function blankItem(type: ItemType, id: string): DraftItem {
  const base = { id, stem: '', difficulty: 'medium' as const, tags: [] as string[], points: 1, feedback: '' };
  switch (type) {
    case 'single':
      return { ...base, type, options: [], answer: '' };
    case 'multiple':
      return { ...base, type, options: [], answer: [], scoring: 'all-or-nothing' };
    case 'ordering':
      return { ...base, type, options: [], answer: [] };
    case 'true-false':
      return { ...base, type, answer: undefined as unknown as boolean };
    case 'matching':
      return { ...base, type, premises: [], responses: [], answer: {} };
  }
}

export { optional, numberOrRaw, field };
