import { presentedIdOf } from './presented-ids';
import type { DrawnItem } from './resolve';
import type { ItemResponse } from './response';

/**
 * A stored response back in the presented ids of its attempt, so a resumed page shows the learner's
 * answers where they left them. The inverse of `validateResponse`.
 */
export function toPresentedResponse(drawn: DrawnItem, response: ItemResponse | null | undefined): unknown {
  if (!response) return undefined;
  const ids = (order: readonly string[], bankIds: readonly string[]) =>
    bankIds.map((id) => presentedIdOf(order, id)).filter((id): id is string => id !== undefined);
  switch (response.type) {
    case 'single':
      return drawn.type === 'single' ? presentedIdOf(drawn.optionOrder, response.optionId) : undefined;
    case 'multiple':
      return drawn.type === 'multiple' ? ids(drawn.optionOrder, response.optionIds) : undefined;
    case 'true-false':
      return response.value;
    case 'ordering':
      return drawn.type === 'ordering' ? ids(drawn.stepOrder, response.stepIds) : undefined;
    case 'matching': {
      if (drawn.type !== 'matching') return undefined;
      const matches: Record<string, string> = {};
      for (const [premise, chosen] of Object.entries(response.matches)) {
        const presentedPremise = presentedIdOf(drawn.premiseOrder, premise);
        const presentedChoice = presentedIdOf(drawn.responseOrder, chosen);
        if (presentedPremise && presentedChoice) matches[presentedPremise] = presentedChoice;
      }
      return matches;
    }
  }
}
