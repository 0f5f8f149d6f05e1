import type { QuestionItem } from '../courses';

export type SingleChoiceItem = Extract<QuestionItem, { type: 'single' }>;
export type MultipleChoiceItem = Extract<QuestionItem, { type: 'multiple' }>;
export type TrueFalseItem = Extract<QuestionItem, { type: 'true-false' }>;
export type OrderingItem = Extract<QuestionItem, { type: 'ordering' }>;
export type MatchingItem = Extract<QuestionItem, { type: 'matching' }>;

/** What drawing needs from a bank; both a loaded `QuestionBank` and a stored `BankVersion` fit. */
export interface BankContent {
  version: number;
  items: readonly QuestionItem[];
}

/** Bank id → the bank's current content. */
export type Banks = ReadonlyMap<string, BankContent>;

/**
 * Names an item across banks. Ids are `^[a-z][a-z0-9-]*$`, so the slash cannot be ambiguous;
 * it is also the form of the "seen items" set.
 */
export function itemKey(bankId: string, itemId: string): string {
  return `${bankId}/${itemId}`;
}
