import type { AttemptGrade, Correctness, ItemGrade } from './grade';
import type { ReviewDecision } from './policy';
import { inPresentedOrder, type PresentedChoice } from './present';
import { presentedIdOf } from './presented-ids';
import type { DrawnItem } from './resolve';
import type { ItemResponse, Responses } from './response';

export interface ReviewResult {
  earned: number;
  possible: number;
  correctness: Correctness;
}

interface ReviewBase {
  key: string;
  stem: string;
  points: number;
  /** Only when revealed. */
  result?: ReviewResult;
  /** The item's teaching feedback; only when revealed. */
  feedback?: string;
}

export interface ReviewChoice extends PresentedChoice {
  chosen: boolean;
  /** Only when revealed. */
  correct?: boolean;
  /** Per-option feedback; only when revealed. */
  feedback?: string;
}

export interface ReviewPremise extends PresentedChoice {
  chosen?: PresentedChoice;
  /** Only when revealed. */
  correct?: PresentedChoice;
}

/**
 * One question on the results page, choices in the order the learner saw them. The learner's own
 * answers are always there; everything that tells what was right is there only when revealed.
 */
export type ReviewItem =
  | (ReviewBase & { type: 'single' | 'multiple'; options: ReviewChoice[] })
  | (ReviewBase & { type: 'true-false'; chosen?: boolean; answer?: boolean })
  | (ReviewBase & { type: 'ordering'; steps: PresentedChoice[]; chosenOrder?: PresentedChoice[]; correctOrder?: PresentedChoice[] })
  | (ReviewBase & { type: 'matching'; premises: ReviewPremise[]; responses: PresentedChoice[] });

export interface AttemptReview {
  /** The score is always shown; only the per-item detail depends on the review decision. */
  earned: number;
  possible: number;
  percent: number;
  passed: boolean;
  revealed: boolean;
  items: ReviewItem[];
}

export function buildReview(
  items: readonly DrawnItem[],
  responses: Responses,
  grade: AttemptGrade,
  decision: ReviewDecision,
): AttemptReview {
  const gradeByKey = new Map(grade.items.map((itemGrade) => [itemGrade.key, itemGrade]));
  return {
    earned: grade.earned,
    possible: grade.possible,
    percent: grade.percent,
    passed: grade.passed,
    revealed: decision.reveal,
    items: items.map((drawn) =>
      reviewItem(drawn, responses[drawn.key], decision.reveal ? gradeByKey.get(drawn.key) : undefined, decision.reveal),
    ),
  };
}

function reviewItem(drawn: DrawnItem, response: ItemResponse | undefined, itemGrade: ItemGrade | undefined, reveal: boolean): ReviewItem {
  const base: ReviewBase = { key: drawn.key, stem: drawn.item.stem, points: drawn.item.points };
  if (reveal) {
    base.feedback = drawn.item.feedback;
    if (itemGrade) base.result = { earned: itemGrade.earned, possible: itemGrade.possible, correctness: itemGrade.correctness };
  }

  switch (drawn.type) {
    case 'single':
    case 'multiple': {
      const chosen = new Set(response?.type === 'single' ? [response.optionId] : response?.type === 'multiple' ? response.optionIds : []);
      const correct = new Set(typeof drawn.item.answer === 'string' ? [drawn.item.answer] : drawn.item.answer);
      const byId = new Map(drawn.item.options.map((option) => [option.id, option]));
      const options = inPresentedOrder(drawn.optionOrder, drawn.item.options).map((presented, index): ReviewChoice => {
        const bankId = drawn.optionOrder[index] ?? '';
        const choice: ReviewChoice = { ...presented, chosen: chosen.has(bankId) };
        if (reveal) {
          choice.correct = correct.has(bankId);
          const feedback = byId.get(bankId)?.feedback;
          if (feedback) choice.feedback = feedback;
        }
        return choice;
      });
      return { ...base, type: drawn.type, options };
    }
    case 'true-false': {
      const review: ReviewItem = { ...base, type: drawn.type };
      if (response?.type === 'true-false') review.chosen = response.value;
      if (reveal) review.answer = drawn.item.answer;
      return review;
    }
    case 'ordering': {
      const steps = inPresentedOrder(drawn.stepOrder, drawn.item.options);
      const asPresented = (ids: readonly string[]) =>
        ids.map((id) => steps[drawn.stepOrder.indexOf(id)]).filter((step) => step !== undefined);
      const review: ReviewItem = { ...base, type: drawn.type, steps };
      if (response?.type === 'ordering') review.chosenOrder = asPresented(response.stepIds);
      if (reveal) review.correctOrder = asPresented(drawn.item.answer);
      return review;
    }
    case 'matching': {
      const responses = inPresentedOrder(drawn.responseOrder, drawn.item.responses);
      const asPresented = (responseId: string | undefined) => {
        const presentedId = responseId === undefined ? undefined : presentedIdOf(drawn.responseOrder, responseId);
        return responses.find((candidate) => candidate.id === presentedId);
      };
      const matches = response?.type === 'matching' ? response.matches : {};
      const premises = inPresentedOrder(drawn.premiseOrder, drawn.item.premises).map((presented, index): ReviewPremise => {
        const premiseId = drawn.premiseOrder[index] ?? '';
        const premise: ReviewPremise = { ...presented };
        const chosen = asPresented(Object.hasOwn(matches, premiseId) ? matches[premiseId] : undefined);
        if (chosen) premise.chosen = chosen;
        const correct = reveal ? asPresented(drawn.item.answer[premiseId]) : undefined;
        if (correct) premise.correct = correct;
        return premise;
      });
      return { ...base, type: drawn.type, premises, responses };
    }
  }
}
