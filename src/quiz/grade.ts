import type { AssessmentPolicy } from '../courses';
import type { DrawnItem } from './resolve';
import type { ItemResponse, Responses } from './response';

export type Correctness = 'correct' | 'partial' | 'incorrect' | 'unanswered';

export interface ItemGrade {
  key: string;
  earned: number;
  possible: number;
  correctness: Correctness;
}

export interface AttemptGrade {
  items: ItemGrade[];
  earned: number;
  possible: number;
  /** earned / possible as a percentage, truncated (not rounded) to one decimal. */
  percent: number;
  passed: boolean;
}

/** Partial credit can be a third of a point; this keeps stored numbers short without moving a result. */
const POINT_PRECISION = 1e6;
/** Sums of fractions are not exact in floating point; nobody should fail by 1e-15 of a percent. */
const TOLERANCE = 1e-9;

export function gradeAttempt(items: readonly DrawnItem[], responses: Responses, policy: Pick<AssessmentPolicy, 'passMark'>): AttemptGrade {
  const scored = items.map((drawn) => ({ drawn, ...score(drawn, responses[drawn.key]) }));
  // Summed from exact shares: three rounded thirds would add up to 0.999999, not 1.
  const exactEarned = scored.reduce((sum, { drawn, share }) => sum + share * drawn.item.points, 0);
  const possible = roundPoints(items.reduce((sum, drawn) => sum + drawn.item.points, 0));
  const ratio = possible > 0 ? exactEarned / possible : 0;
  return {
    items: scored.map(({ drawn, share, correctness }) => itemGrade(drawn, share, correctness)),
    earned: roundPoints(exactEarned),
    possible,
    // Truncated so the page never shows "80.0%" next to a fail at 79.96%.
    percent: Math.floor(ratio * 1000 + TOLERANCE) / 10,
    passed: ratio * 100 + TOLERANCE >= policy.passMark,
  };
}

/**
 * Scores one item. Rules:
 * - single, true-false: all or nothing.
 * - multiple, `all-or-nothing`: exactly the correct set.
 * - multiple, `partial`: (correct chosen / correct count) − (wrong chosen / wrong count), at least 0.
 *   Choosing every option therefore earns 0: guessing "all of them" must not pay.
 * - ordering: all or nothing; a procedure with a step out of place is not the procedure.
 * - matching: share of premises matched correctly; an unmatched premise counts as wrong.
 * No answer is 0 points and `unanswered`, not an error.
 */
export function gradeItem(drawn: DrawnItem, response: ItemResponse | undefined): ItemGrade {
  const { share, correctness } = score(drawn, response);
  return itemGrade(drawn, share, correctness);
}

function itemGrade(drawn: DrawnItem, share: number, correctness: Correctness): ItemGrade {
  return { key: drawn.key, earned: roundPoints(share * drawn.item.points), possible: drawn.item.points, correctness };
}

/** The share of the item's points earned, 0 to 1. */
function score(drawn: DrawnItem, response: ItemResponse | undefined): { share: number; correctness: Correctness } {
  const unanswered = { share: 0, correctness: 'unanswered' } as const;
  const result = (share: number) => ({
    share,
    correctness: share >= 1 ? 'correct' : share > 0 ? 'partial' : 'incorrect',
  } as const);
  if (!response) return unanswered;
  if (response.type !== drawn.type) throw new TypeError(`a ${response.type} response cannot answer ${drawn.type} item "${drawn.key}"`);

  switch (drawn.type) {
    case 'single':
      return result(response.type === 'single' && response.optionId === drawn.item.answer ? 1 : 0);
    case 'true-false':
      return result(response.type === 'true-false' && response.value === drawn.item.answer ? 1 : 0);
    case 'multiple': {
      const chosen = new Set(response.type === 'multiple' ? response.optionIds : []);
      const correct = new Set(drawn.item.answer);
      const wrongCount = drawn.item.options.length - correct.size;
      const correctChosen = [...chosen].filter((id) => correct.has(id)).length;
      const wrongChosen = chosen.size - correctChosen;
      if (drawn.item.scoring === 'all-or-nothing') return result(correctChosen === correct.size && wrongChosen === 0 ? 1 : 0);
      const penalty = wrongCount > 0 ? wrongChosen / wrongCount : 0;
      return result(Math.max(0, correctChosen / correct.size - penalty));
    }
    case 'ordering': {
      const steps = response.type === 'ordering' ? response.stepIds : [];
      const inOrder = steps.length === drawn.item.answer.length && steps.every((id, index) => drawn.item.answer[index] === id);
      return result(inOrder ? 1 : 0);
    }
    case 'matching': {
      const matches = response.type === 'matching' ? response.matches : {};
      if (Object.keys(matches).length === 0) return unanswered;
      const premises = drawn.item.premises.map((p) => p.id);
      const right = premises.filter((premise) => Object.hasOwn(matches, premise) && matches[premise] === drawn.item.answer[premise]);
      return result(right.length / premises.length);
    }
  }
}

function roundPoints(points: number): number {
  return Math.round(points * POINT_PRECISION) / POINT_PRECISION;
}
