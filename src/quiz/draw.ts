import type { AssessmentPolicy, Pool, QuestionItem } from '../courses';
import { shuffleAvoiding, shuffleKeepingPinned } from './arrange';
import { itemKey, type BankContent, type Banks } from './items';
import { seededRandom, type Random } from './random';

/**
 * One drawn item as stored with the attempt: enough to show and grade it again exactly as the
 * learner saw it, even after the bank has a newer version.
 */
export interface DrawnItemRef {
  bankId: string;
  bankVersion: number;
  itemId: string;
  /** single and multiple: option ids as presented. */
  optionOrder?: string[];
  /** ordering: step ids as presented; never the correct order. */
  stepOrder?: string[];
  /** matching: response ids as presented. Premises keep their listed order. */
  responseOrder?: string[];
}

/** The stored draw of one attempt, in presented item order. */
export interface Draw {
  seed: string;
  items: DrawnItemRef[];
}

export type DrawPolicy = Pick<AssessmentPolicy, 'pools' | 'shuffleItems' | 'shuffleOptions'>;

export interface DrawInput {
  policy: DrawPolicy;
  banks: Banks;
  seed: string;
  /** Item keys (`bankId/itemId`) this learner was shown in earlier attempts. */
  seen?: ReadonlySet<string>;
}

export type DrawErrorCode = 'unknown-bank' | 'unknown-item' | 'not-enough-items' | 'draw-mismatch';

/**
 * The course content cannot produce (or no longer matches) a draw. The course checker catches
 * most of these before publishing; what it cannot see (pools of one module competing for the same
 * items, a stored draw whose bank version is gone) surfaces here instead of as a shorter quiz.
 */
export class DrawError extends Error {
  constructor(
    readonly code: DrawErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DrawError';
  }
}

interface Picked {
  bankId: string;
  bank: BankContent;
  item: QuestionItem;
}

/**
 * Draws the items of one attempt. Fully determined by its input: the same seed, policy, bank
 * versions and seen set give the same draw. The stored `Draw` records everything needed
 * afterwards, so a draw never has to be recomputed.
 */
export function drawAttempt({ policy, banks, seed, seen = new Set() }: DrawInput): Draw {
  const bankOf = (bankId: string): BankContent => {
    const bank = banks.get(bankId);
    if (!bank) throw new DrawError('unknown-bank', `bank "${bankId}" is not available`);
    return bank;
  };

  // Fixed items are reserved before any random pool runs, so a random pool listed earlier cannot
  // take an item a later pool names and turn it into a duplicate.
  const taken = new Set(policy.pools.flatMap((pool) => (pool.items ?? []).map((itemId) => itemKey(pool.bank, itemId))));
  const picked: Picked[] = [];
  const pickedKeys = new Set<string>();
  const pick = (bankId: string, bank: BankContent, item: QuestionItem) => {
    const key = itemKey(bankId, item.id);
    if (pickedKeys.has(key)) return;
    pickedKeys.add(key);
    taken.add(key);
    picked.push({ bankId, bank, item });
  };

  policy.pools.forEach((pool, index) => {
    const bank = bankOf(pool.bank);
    if (pool.draw === undefined) {
      for (const itemId of pool.items ?? []) pick(pool.bank, bank, fixedItem(bank, pool.bank, itemId));
      return;
    }
    for (const item of drawFromPool(pool, pool.draw, bank, { seed, index, taken, seen })) pick(pool.bank, bank, item);
  });

  const ordered = policy.shuffleItems ? seededRandom(seed, 'items').shuffle(picked) : picked;
  return {
    seed,
    items: ordered.map(({ bankId, bank, item }) => ({
      bankId,
      bankVersion: bank.version,
      itemId: item.id,
      ...presentedOrders(item, seededRandom(seed, 'arrange', itemKey(bankId, item.id)), policy.shuffleOptions),
    })),
  };
}

function fixedItem(bank: BankContent, bankId: string, itemId: string): QuestionItem {
  const item = bank.items.find((candidate) => candidate.id === itemId);
  if (!item) throw new DrawError('unknown-item', `item "${itemId}" is not in bank "${bankId}" version ${bank.version}`);
  return item;
}

function drawFromPool(
  pool: Pool,
  count: number,
  bank: BankContent,
  context: { seed: string; index: number; taken: ReadonlySet<string>; seen: ReadonlySet<string> },
): QuestionItem[] {
  const keyOf = (item: QuestionItem) => itemKey(pool.bank, item.id);
  const candidates = bank.items.filter(
    (item) => !context.taken.has(keyOf(item)) && (!pool.tags || pool.tags.some((tag) => item.tags.includes(tag))),
  );
  const random = seededRandom(context.seed, 'pool', String(context.index));
  // Seen items only fill up what unseen ones cannot: a retake should test, not repeat.
  const unseen = random.shuffle(candidates.filter((item) => !context.seen.has(keyOf(item))));
  const seenBefore = random.shuffle(candidates.filter((item) => context.seen.has(keyOf(item))));
  const chosen = [...unseen, ...seenBefore].slice(0, count);
  if (chosen.length < count) {
    throw new DrawError(
      'not-enough-items',
      `pool ${context.index + 1} draws ${count} items from bank "${pool.bank}" but only ${chosen.length} are left` +
        `${pool.tags ? ` tagged ${pool.tags.join('/')}` : ''} after the other pools`,
    );
  }
  return chosen;
}

/**
 * `shuffleOptions` governs choice options, whose listed order may mean something (pinned "none of
 * the above", numbers in ascending order). Ordering steps and matching responses are always
 * shuffled: their listed order carries no meaning by the format, and in practice it often mirrors
 * the answer (steps written in sequence, responses written in premise order).
 */
function presentedOrders(
  item: QuestionItem,
  random: Random,
  shuffleOptions: boolean,
): Pick<DrawnItemRef, 'optionOrder' | 'stepOrder' | 'responseOrder'> {
  switch (item.type) {
    case 'single':
    case 'multiple':
      return { optionOrder: (shuffleOptions ? shuffleKeepingPinned(item.options, random) : item.options).map((o) => o.id) };
    case 'ordering': {
      const inAnswerOrder = (order: readonly string[]) => order.every((id, index) => item.answer[index] === id);
      return { stepOrder: shuffleAvoiding(item.options.map((o) => o.id), random, inAnswerOrder) };
    }
    case 'matching': {
      const premiseIds = item.premises.map((p) => p.id);
      const alignedWithPremises = (order: readonly string[]) => premiseIds.every((premise, index) => item.answer[premise] === order[index]);
      return { responseOrder: shuffleAvoiding(item.responses.map((r) => r.id), random, alignedWithPremises) };
    }
    case 'true-false':
      return {};
  }
}
