import { DrawError, type Draw, type DrawnItemRef } from './draw';
import {
  itemKey,
  type BankContent,
  type Banks,
  type MatchingItem,
  type MultipleChoiceItem,
  type OrderingItem,
  type SingleChoiceItem,
  type TrueFalseItem,
} from './items';

interface Drawn {
  /** `bankId/itemId`: how responses, grades and review entries refer to the item. */
  key: string;
  ref: DrawnItemRef;
}

/** A stored draw entry joined with its item from the exact bank version it was drawn from. */
export type DrawnItem =
  | (Drawn & { type: 'single'; item: SingleChoiceItem; optionOrder: readonly string[] })
  | (Drawn & { type: 'multiple'; item: MultipleChoiceItem; optionOrder: readonly string[] })
  | (Drawn & { type: 'true-false'; item: TrueFalseItem })
  | (Drawn & { type: 'ordering'; item: OrderingItem; stepOrder: readonly string[] })
  | (Drawn & { type: 'matching'; item: MatchingItem; premiseOrder: readonly string[]; responseOrder: readonly string[] });

/** Finds one bank version; an attempt is always shown and graded against the version it drew. */
export type BankVersionLookup = (bankId: string, version: number) => BankContent | undefined;

/** A lookup that knows only the versions in `banks` (typically the current catalog). */
export function bankVersionLookup(banks: Banks): BankVersionLookup {
  return (bankId, version) => {
    const bank = banks.get(bankId);
    return bank?.version === version ? bank : undefined;
  };
}

export function resolveDraw(draw: Draw, lookup: BankVersionLookup): DrawnItem[] {
  return draw.items.map((ref) => resolveDrawnItem(ref, lookup));
}

export function resolveDrawnItem(ref: DrawnItemRef, lookup: BankVersionLookup): DrawnItem {
  const bank = lookup(ref.bankId, ref.bankVersion);
  if (!bank) throw new DrawError('unknown-bank', `bank "${ref.bankId}" version ${ref.bankVersion} is not available`);
  const item = bank.items.find((candidate) => candidate.id === ref.itemId);
  if (!item) throw new DrawError('unknown-item', `item "${ref.itemId}" is not in bank "${ref.bankId}" version ${ref.bankVersion}`);
  const key = itemKey(ref.bankId, ref.itemId);
  // A stored order that is not a permutation of the item's ids would make presented ids point at
  // the wrong options; refuse rather than grade against it.
  const checked = (order: readonly string[] | undefined, ids: readonly string[], what: string): readonly string[] => {
    if (!order || !samePermutation(order, ids)) {
      throw new DrawError('draw-mismatch', `stored ${what} of "${key}" does not match bank version ${ref.bankVersion}`);
    }
    return order;
  };
  switch (item.type) {
    case 'single':
      return { key, ref, type: item.type, item, optionOrder: checked(ref.optionOrder, item.options.map((o) => o.id), 'option order') };
    case 'multiple':
      return { key, ref, type: item.type, item, optionOrder: checked(ref.optionOrder, item.options.map((o) => o.id), 'option order') };
    case 'true-false':
      return { key, ref, type: item.type, item };
    case 'ordering':
      return { key, ref, type: item.type, item, stepOrder: checked(ref.stepOrder, item.options.map((o) => o.id), 'step order') };
    case 'matching':
      return {
        key,
        ref,
        type: item.type,
        item,
        premiseOrder: item.premises.map((p) => p.id),
        responseOrder: checked(ref.responseOrder, item.responses.map((r) => r.id), 'response order'),
      };
  }
}

function samePermutation(order: readonly string[], ids: readonly string[]): boolean {
  return order.length === ids.length && new Set(order).size === order.length && ids.every((id) => order.includes(id));
}
