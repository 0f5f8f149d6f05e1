import { presentAttempt, presentItem } from '../../src/quiz';
import { demoBank, drawDemo, drawnItem, seeds } from './fixtures';

/** Every string that would tell a learner the answer, for the demo bank. */
function secrets(): string[] {
  const found: string[] = [];
  for (const item of demoBank.items) {
    found.push(item.feedback);
    if ('options' in item) {
      for (const option of item.options) {
        found.push(option.id);
        if (option.feedback) found.push(option.feedback);
      }
    }
    if (item.type === 'matching') found.push(...item.premises.map((p) => p.id), ...item.responses.map((r) => r.id));
  }
  return found;
}

describe('presentItem', () => {
  it('never serialises an answer, a bank option id or any feedback', () => {
    for (const seed of seeds(50)) {
      const json = JSON.stringify(presentAttempt(drawDemo(seed)));
      for (const secret of secrets()) expect(json).not.toContain(`"${secret}"`);
      for (const secret of secrets().filter((s) => s.startsWith('FB-'))) expect(json).not.toContain(secret);
      for (const field of ['answer', 'feedback', 'pinned', 'scoring', 'difficulty', 'tags']) expect(json).not.toContain(`"${field}"`);
    }
  });

  it('shows choices in presented order with positional ids', () => {
    const drawn = drawnItem('s1', 'order-check');
    const page = presentItem(drawn);
    if (page.type !== 'single' || drawn.type !== 'single') throw new Error('expected a single-choice item');
    expect(page.options.map((o) => o.id)).toEqual(['1', '2', '3', '4']);
    const textOf = (id: string) => drawn.item.options.find((o) => o.id === id)!.text;
    expect(page.options.map((o) => o.text)).toEqual(drawn.optionOrder.map(textOf));
    expect(page).toEqual({ key: 'demo/s1', type: 'single', stem: drawn.item.stem, points: 1, options: expect.any(Array) });
  });

  it('shows each type with what its page needs', () => {
    const byType = new Map(drawDemo('types').map((drawn) => [drawn.item.id, presentItem(drawn)]));
    expect(byType.get('t1')).toEqual({ key: 'demo/t1', type: 'true-false', stem: expect.any(String), points: 1 });
    expect(byType.get('o1')).toMatchObject({ type: 'ordering', steps: expect.arrayContaining([{ id: '1', text: expect.stringMatching(/^TEXT-step/) }]) });
    const matching = byType.get('x1');
    if (matching?.type !== 'matching') throw new Error('expected a matching item');
    expect(matching.points).toBe(3);
    expect(matching.premises.map((p) => p.text)).toEqual(['TEXT-day-a 11月9日', 'TEXT-day-b 5月12日', 'TEXT-day-c 3月最后一个周一']);
    expect(matching.responses.map((r) => r.id)).toEqual(['1', '2', '3', '4']);
  });
});
