import { questionBankSchema } from '../../src/courses';
import {
  bankVersionLookup,
  drawAttempt,
  DrawError,
  presentAttempt,
  resolveDraw,
  seededRandom,
  type Banks,
  type Draw,
} from '../../src/quiz';
import { demoBank, demoBanks, drawDemo, policy, seeds } from './fixtures';

/** A bank of `count` single-choice items q01… with the given tags. */
function plainBank(id: string, count: number, tagsOf: (index: number) => string[] = () => ['any']) {
  return questionBankSchema.parse({
    id,
    version: 1,
    track: 'safety',
    title: { 'zh-CN': id },
    items: Array.from({ length: count }, (_, index) => ({
      id: `q${String(index + 1).padStart(2, '0')}`,
      type: 'single',
      stem: `stem ${index + 1}`,
      difficulty: 'easy',
      tags: tagsOf(index),
      options: [
        { id: 'a', text: 'A' },
        { id: 'b', text: 'B' },
      ],
      answer: 'a',
      feedback: 'why',
    })),
  });
}

const itemIds = (draw: Draw) => draw.items.map((ref) => ref.itemId);

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and stream, another for another', () => {
    const take = (random: ReturnType<typeof seededRandom>) => Array.from({ length: 5 }, () => random.next());
    expect(take(seededRandom('abc', 'x'))).toEqual(take(seededRandom('abc', 'x')));
    expect(take(seededRandom('abc', 'x'))).not.toEqual(take(seededRandom('abc', 'y')));
    expect(take(seededRandom('abc', 'x'))).not.toEqual(take(seededRandom('abd', 'x')));
  });

  it('spreads values evenly', () => {
    const random = seededRandom('spread');
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) buckets[random.below(4)]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(900);
  });
});

describe('drawAttempt', () => {
  const bank = plainBank('big', 30, (index) => (index < 10 ? ['fire'] : ['water']));
  const banks: Banks = new Map([[bank.id, bank]]);

  it('is reproducible from the stored seed', () => {
    const input = { policy: policy({ pools: [{ bank: 'demo', draw: 5 }] }), banks: demoBanks, seed: 'attempt-42' };
    const first = drawAttempt(input);
    const stored: Draw = JSON.parse(JSON.stringify(first));
    expect(drawAttempt({ ...input, seed: stored.seed })).toEqual(stored);
    expect(presentAttempt(resolveDraw(stored, bankVersionLookup(demoBanks)))).toEqual(
      presentAttempt(resolveDraw(first, bankVersionLookup(demoBanks))),
    );
    const others = seeds(10).map((seed) => JSON.stringify(drawAttempt({ ...input, seed })));
    expect(new Set(others).size).toBeGreaterThan(5);
  });

  it('records bank, bank version, item and presented orders for each item', () => {
    const draw = drawAttempt({ policy: policy({ pools: [{ bank: 'demo', items: ['s1', 'o1', 'x1', 't1'] }] }), banks: demoBanks, seed: 's' });
    const byItem = new Map(draw.items.map((ref) => [ref.itemId, ref]));
    expect(byItem.get('s1')).toEqual({ bankId: 'demo', bankVersion: 3, itemId: 's1', optionOrder: expect.any(Array) });
    expect(byItem.get('o1')?.stepOrder?.slice().sort()).toEqual(['step-four', 'step-one', 'step-three', 'step-two']);
    expect(byItem.get('x1')?.responseOrder?.slice().sort()).toEqual(['topic-a', 'topic-b', 'topic-c', 'topic-x']);
    expect(byItem.get('t1')).toEqual({ bankId: 'demo', bankVersion: 3, itemId: 't1' });
  });

  it('takes fixed items as listed and N random items per pool, filtered by tags', () => {
    const draw = drawAttempt({
      policy: policy({
        shuffleItems: false,
        pools: [
          { bank: 'big', items: ['q20', 'q03'] },
          { bank: 'big', draw: 4, tags: ['fire'] },
        ],
      }),
      banks,
      seed: 'tags',
    });
    expect(itemIds(draw).slice(0, 2)).toEqual(['q20', 'q03']);
    const random = itemIds(draw).slice(2);
    expect(random).toHaveLength(4);
    for (const id of random) expect(Number(id.slice(1))).toBeLessThanOrEqual(10);
  });

  it('never draws an item twice, across pools, whichever pool comes first', () => {
    const alpha = ['m1', 's1'];
    for (const seed of seeds(50)) {
      const randomFirst = drawAttempt({
        policy: policy({ pools: [{ bank: 'demo', draw: 1, tags: ['alpha'] }, { bank: 'demo', items: ['s1'] }] }),
        banks: demoBanks,
        seed,
      });
      expect(itemIds(randomFirst).sort()).toEqual(alpha);
      const twoRandom = drawAttempt({
        policy: policy({ pools: [{ bank: 'big', draw: 10, tags: ['fire'] }, { bank: 'big', draw: 20 }] }),
        banks,
        seed,
      });
      expect(new Set(itemIds(twoRandom)).size).toBe(30);
    }
    const repeated = drawAttempt({
      policy: policy({ pools: [{ bank: 'demo', items: ['s1', 't1'] }, { bank: 'demo', items: ['t1'] }] }),
      banks: demoBanks,
      seed: 'x',
    });
    expect(itemIds(repeated).sort()).toEqual(['s1', 't1']);
  });

  it('prefers items the learner has not seen, and fills with seen ones only when unseen run out', () => {
    const key = (n: number) => `big/q${String(n).padStart(2, '0')}`;
    const fireKeys = Array.from({ length: 10 }, (_, i) => key(i + 1));
    for (const seed of seeds(40)) {
      const seenSix = new Set(fireKeys.slice(0, 6));
      const fresh = drawAttempt({ policy: policy({ pools: [{ bank: 'big', draw: 4, tags: ['fire'] }] }), banks, seed, seen: seenSix });
      expect(fresh.items.map((ref) => `big/${ref.itemId}`).filter((k) => seenSix.has(k))).toEqual([]);

      const seenEight = new Set(fireKeys.slice(0, 8));
      const mixed = drawAttempt({ policy: policy({ pools: [{ bank: 'big', draw: 4, tags: ['fire'] }] }), banks, seed, seen: seenEight });
      const unseen = mixed.items.map((ref) => `big/${ref.itemId}`).filter((k) => !seenEight.has(k));
      expect(unseen.sort()).toEqual([key(9), key(10)]);
    }
  });

  it('refuses pools it cannot fill, and banks or items that do not exist', () => {
    const attempt = (pools: unknown[]) => () => drawAttempt({ policy: policy({ pools }), banks, seed: 'e' });
    expect(attempt([{ bank: 'big', draw: 11, tags: ['fire'] }])).toThrow(expect.objectContaining({ code: 'not-enough-items' }));
    expect(attempt([{ bank: 'big', items: ['q01'] }, { bank: 'big', draw: 10, tags: ['fire'] }])).toThrow(DrawError);
    expect(attempt([{ bank: 'gone', draw: 1 }])).toThrow(expect.objectContaining({ code: 'unknown-bank' }));
    expect(attempt([{ bank: 'big', items: ['q99'] }])).toThrow(expect.objectContaining({ code: 'unknown-item' }));
  });

  it('shuffles item order only when shuffleItems is on', () => {
    const pools = [{ bank: 'big', items: ['q01', 'q02', 'q03', 'q04', 'q05'] }];
    const orders = (shuffleItems: boolean) =>
      new Set(seeds(30).map((seed) => itemIds(drawAttempt({ policy: policy({ pools, shuffleItems }), banks, seed })).join()));
    expect([...orders(false)]).toEqual(['q01,q02,q03,q04,q05']);
    expect(orders(true).size).toBeGreaterThan(10);
  });

  it('keeps pinned options at their index and moves the others', () => {
    const orders = seeds(200).map((seed) => drawDemo(seed).find((drawn) => drawn.item.id === 's1')!).map((drawn) => (drawn.type === 'single' ? drawn.optionOrder : []));
    for (const order of orders) expect(order[3]).toBe('none');
    expect(new Set(orders.map((order) => order[0])).size).toBe(3);
  });

  it('puts the correct option of a single-choice item in every position about equally often', () => {
    const bank = plainBank('spread', 1);
    const fourOptions = questionBankSchema.parse({
      ...bank,
      items: [{ ...bank.items[0], options: ['a', 'b', 'c', 'd'].map((id) => ({ id, text: id.toUpperCase() })) }],
    });
    const positions = [0, 0, 0, 0];
    for (const seed of seeds(800)) {
      const draw = drawAttempt({ policy: policy({ pools: [{ bank: 'spread', draw: 1 }] }), banks: new Map([['spread', fourOptions]]), seed });
      positions[draw.items[0]!.optionOrder!.indexOf('a')]! += 1;
    }
    for (const count of positions) expect(count).toBeGreaterThan(140); // 200 expected
  });

  it('keeps the listed option order when shuffleOptions is off, but still shuffles ordering steps and matching responses', () => {
    for (const seed of seeds(30)) {
      const items = drawDemo(seed, { shuffleOptions: false });
      const single = items.find((drawn) => drawn.item.id === 's1');
      expect(single?.type === 'single' && single.optionOrder).toEqual(['right', 'wrong-one', 'wrong-two', 'none']);
      const ordering = items.find((drawn) => drawn.item.id === 'o1');
      expect(ordering?.type === 'ordering' && ordering.stepOrder).not.toEqual(['step-one', 'step-two', 'step-three', 'step-four']);
    }
  });

  it('never presents an ordering item in its correct order, nor a matching item aligned with its premises', () => {
    const fourStepOrders = new Set<string>();
    for (const seed of seeds(500)) {
      for (const drawn of drawDemo(seed)) {
        if (drawn.type === 'ordering') {
          expect(drawn.stepOrder).not.toEqual(drawn.item.answer);
          if (drawn.item.id === 'o1') fourStepOrders.add(drawn.stepOrder.join());
        }
        if (drawn.type === 'matching') {
          const aligned = drawn.premiseOrder.every((premise, index) => drawn.item.answer[premise] === drawn.responseOrder[index]);
          expect(aligned).toBe(false);
        }
      }
    }
    expect(fourStepOrders.size).toBe(23); // every arrangement of 4 steps but the correct one
  });

  it('draws against the bank version the policy sees, and a stored draw resolves only against that version', () => {
    const draw = drawAttempt({ policy: policy({ pools: [{ bank: 'demo', items: ['s1'] }] }), banks: demoBanks, seed: 'v' });
    const newer: Banks = new Map([['demo', { ...demoBank, version: 4 }]]);
    expect(() => resolveDraw(draw, bankVersionLookup(newer))).toThrow(expect.objectContaining({ code: 'unknown-bank' }));
    const tampered: Draw = { ...draw, items: [{ ...draw.items[0]!, optionOrder: ['right', 'right', 'wrong-two', 'none'] }] };
    expect(() => resolveDraw(tampered, bankVersionLookup(demoBanks))).toThrow(expect.objectContaining({ code: 'draw-mismatch' }));
  });
});
