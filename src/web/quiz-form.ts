import type { PresentedItem } from '../quiz';

/**
 * The attempt form names every field after its question: `q:<item key>` for choices, and
 * `q:<item key>:<step or premise id>` for ordering positions and matching selects. These two
 * functions are the only places that know that convention.
 */
export const fieldName = (itemKey: string, part?: string) => (part === undefined ? `q:${itemKey}` : `q:${itemKey}:${part}`);

type FormBody = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;
const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Reads a submitted attempt form into raw answers keyed by item, in presented ids. Every question
 * of the attempt gets an entry (empty = unanswered), so clearing an answer is saved too. Malformed
 * input is passed on as it is, for the quiz engine to reject with a reason.
 */
export function answersFromForm(items: readonly PresentedItem[], body: FormBody): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const item of items) {
    const name = fieldName(item.key);
    switch (item.type) {
      case 'single':
        answers[item.key] = single(body[name]) ?? null;
        break;
      case 'multiple':
        answers[item.key] = list(body[name]);
        break;
      case 'true-false': {
        const value = single(body[name]);
        answers[item.key] = value === 'true' ? true : value === 'false' ? false : value === undefined ? null : value;
        break;
      }
      case 'ordering': {
        const positions = item.steps.map((step) => ({ step: step.id, position: single(body[fieldName(item.key, step.id)]) }));
        if (positions.every((p) => p.position === undefined)) {
          answers[item.key] = [];
          break;
        }
        // Every position from 1 to N exactly once; anything else goes on as a value the engine
        // rejects, so the learner is asked to fix it rather than graded on a guess.
        const byPosition = new Map(positions.map((p) => [p.position, p.step]));
        const complete = byPosition.size === item.steps.length && item.steps.every((_, i) => byPosition.has(String(i + 1)));
        answers[item.key] = complete ? item.steps.map((_, i) => byPosition.get(String(i + 1))) : { incompleteOrder: true };
        break;
      }
      case 'matching': {
        const matches: Record<string, string> = {};
        for (const premise of item.premises) {
          const chosen = single(body[fieldName(item.key, premise.id)]);
          if (chosen !== undefined) matches[premise.id] = chosen;
        }
        answers[item.key] = matches;
        break;
      }
    }
  }
  return answers;
}
