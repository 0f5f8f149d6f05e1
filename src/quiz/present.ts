import type { DrawnItem } from './resolve';
import { presentedIdAt } from './presented-ids';

/** An option, step, premise or response as the page shows it; `id` is a presented id. */
export interface PresentedChoice {
  id: string;
  text: string;
}

interface PresentedBase {
  key: string;
  stem: string;
  points: number;
}

/**
 * What a page may show while the attempt is open. Built field by field from an allow-list, so a
 * field added to the item schema later (a hint, an explanation) stays out until added here.
 */
export type PresentedItem =
  | (PresentedBase & { type: 'single' | 'multiple'; options: PresentedChoice[] })
  | (PresentedBase & { type: 'true-false' })
  | (PresentedBase & { type: 'ordering'; steps: PresentedChoice[] })
  | (PresentedBase & { type: 'matching'; premises: PresentedChoice[]; responses: PresentedChoice[] });

export function presentAttempt(items: readonly DrawnItem[]): PresentedItem[] {
  return items.map(presentItem);
}

export function presentItem(drawn: DrawnItem): PresentedItem {
  const base: PresentedBase = { key: drawn.key, stem: drawn.item.stem, points: drawn.item.points };
  switch (drawn.type) {
    case 'single':
    case 'multiple':
      return { ...base, type: drawn.type, options: inPresentedOrder(drawn.optionOrder, drawn.item.options) };
    case 'true-false':
      return { ...base, type: drawn.type };
    case 'ordering':
      return { ...base, type: drawn.type, steps: inPresentedOrder(drawn.stepOrder, drawn.item.options) };
    case 'matching':
      return {
        ...base,
        type: drawn.type,
        premises: inPresentedOrder(drawn.premiseOrder, drawn.item.premises),
        responses: inPresentedOrder(drawn.responseOrder, drawn.item.responses),
      };
  }
}

/** Also used by the review, which shows choices in the order the learner saw them. */
export function inPresentedOrder(order: readonly string[], entries: readonly { id: string; text: string }[]): PresentedChoice[] {
  const textById = new Map(entries.map((entry) => [entry.id, entry.text]));
  return order.map((bankId, index) => ({ id: presentedIdAt(index), text: textById.get(bankId) ?? '' }));
}
