import type { TFunction } from 'i18next';
import { toPresentedResponse, type OpenAttempt, type PresentedItem, type Rejection } from '../quiz';
import { fieldName } from './quiz-form';

/** What the attempt template renders for one question: field names, choices and their checked state. */
export interface QuestionView {
  number: number;
  key: string;
  type: PresentedItem['type'];
  stem: string;
  points: number;
  error?: string;
  name: string;
  choices?: { id: string; text: string; checked: boolean }[];
  trueFalse?: { value: 'true' | 'false'; label: string; checked: boolean }[];
  steps?: { name: string; text: string; positions: { value: string; selected: boolean }[] }[];
  premises?: { name: string; text: string; responses: { id: string; text: string; selected: boolean }[] }[];
}

/**
 * `values` are the raw answers to show (presented ids): what the learner just sent when their
 * submission is being shown back with errors, otherwise what was saved.
 */
export function questionViews(
  // Only the drawn items and saved responses are read, so a preview with nothing stored fits too.
  open: Pick<OpenAttempt, 'items'> & { attempt: Pick<OpenAttempt['attempt'], 'responses'> },
  items: readonly PresentedItem[],
  t: TFunction,
  values?: Record<string, unknown>,
  rejections: readonly Rejection[] = [],
): QuestionView[] {
  const drawnByKey = new Map(open.items.map((drawn) => [drawn.key, drawn]));
  const errorByKey = new Map(rejections.map((rejection) => [rejection.itemKey, rejection]));
  return items.map((item, index) => {
    const drawn = drawnByKey.get(item.key)!;
    const value = values ? values[item.key] : toPresentedResponse(drawn, open.attempt.responses[item.key]?.response);
    const rejection = errorByKey.get(item.key);
    const view: QuestionView = {
      number: index + 1,
      key: item.key,
      type: item.type,
      stem: item.stem,
      points: item.points,
      name: fieldName(item.key),
      error: rejection ? String(t(item.type === 'ordering' ? 'quiz.errors.ordering' : item.type === 'matching' ? 'quiz.errors.matching' : 'quiz.errors.choice', { count: item.type === 'ordering' ? item.steps.length : 0 })) : undefined,
    };
    switch (item.type) {
      case 'single':
      case 'multiple': {
        const chosen = new Set(Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
        view.choices = item.options.map((option) => ({ ...option, checked: chosen.has(option.id) }));
        break;
      }
      case 'true-false':
        view.trueFalse = (['true', 'false'] as const).map((v) => ({ value: v, label: String(t(`quiz.${v}`)), checked: String(value) === v }));
        break;
      case 'ordering': {
        const order = Array.isArray(value) ? (value as string[]) : [];
        view.steps = item.steps.map((step) => ({
          name: fieldName(item.key, step.id),
          text: step.text,
          positions: item.steps.map((_, i) => ({ value: String(i + 1), selected: order[i] === step.id })),
        }));
        break;
      }
      case 'matching': {
        const matches = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};
        view.premises = item.premises.map((premise) => ({
          name: fieldName(item.key, premise.id),
          text: premise.text,
          responses: item.responses.map((response) => ({ ...response, selected: matches[premise.id] === response.id })),
        }));
        break;
      }
    }
    return view;
  });
}
