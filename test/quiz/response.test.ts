import { validateResponse, validateSubmission, type DrawnItem } from '../../src/quiz';
import { drawDemo, drawnItem, presented, presentedMatches } from './fixtures';

const items = drawDemo('responses');
const item = (id: string): DrawnItem => items.find((drawn) => drawn.item.id === id)!;
const rejection = (drawn: DrawnItem, raw: unknown) => {
  const check = validateResponse(drawn, raw);
  return check.ok ? undefined : check.rejection.reason;
};

describe('validateResponse', () => {
  it('turns presented ids into bank ids for every type', () => {
    expect(validateResponse(item('s1'), presented(item('s1'), ['wrong-two'])[0])).toEqual({ ok: true, response: { type: 'single', optionId: 'wrong-two' } });
    expect(validateResponse(item('m1'), presented(item('m1'), ['yes-a', 'no-e']))).toEqual({
      ok: true,
      response: { type: 'multiple', optionIds: ['yes-a', 'no-e'] },
    });
    expect(validateResponse(item('t1'), false)).toEqual({ ok: true, response: { type: 'true-false', value: false } });
    const steps = ['step-two', 'step-one', 'step-four', 'step-three'];
    expect(validateResponse(item('o1'), presented(item('o1'), steps))).toEqual({ ok: true, response: { type: 'ordering', stepIds: steps } });
    expect(validateResponse(item('x1'), presentedMatches(item('x1'), { 'day-a': 'topic-x', 'day-c': 'topic-c' }))).toEqual({
      ok: true,
      response: { type: 'matching', matches: { 'day-a': 'topic-x', 'day-c': 'topic-c' } },
    });
  });

  it('reads null, an empty list and an empty map as unanswered', () => {
    for (const [id, raw] of [['s1', null], ['s1', undefined], ['m1', []], ['o1', []], ['x1', {}], ['t1', null]] as const) {
      expect(validateResponse(item(id), raw)).toEqual({ ok: true, response: undefined });
    }
  });

  it('rejects the wrong shape for each type', () => {
    expect(rejection(item('s1'), ['1'])).toBe('wrong-shape');
    expect(rejection(item('s1'), 1)).toBe('wrong-shape');
    expect(rejection(item('m1'), '1')).toBe('wrong-shape');
    expect(rejection(item('m1'), [1, 2])).toBe('wrong-shape');
    expect(rejection(item('t1'), 'true')).toBe('wrong-shape');
    expect(rejection(item('o1'), { 1: '2' })).toBe('wrong-shape');
    expect(rejection(item('x1'), ['1'])).toBe('wrong-shape');
    expect(rejection(item('x1'), { 1: 2 })).toBe('wrong-shape');
  });

  it('rejects tampered option ids, including bank ids, which the page never sees', () => {
    for (const raw of ['5', '0', '01', '-1', '1.0', ' 1', 'right', 'none', '__proto__', '']) expect(rejection(item('s1'), raw)).toBe('unknown-option');
    expect(rejection(item('m1'), ['1', '7'])).toBe('unknown-option');
    expect(rejection(item('o1'), ['1', '2', '3', 'step-four'])).toBe('unknown-option');
  });

  it('rejects the same option twice', () => {
    expect(rejection(item('m1'), ['2', '2'])).toBe('duplicate-option');
    expect(rejection(item('o1'), ['1', '1', '2', '3'])).toBe('duplicate-option');
  });

  it('rejects an ordering that leaves out steps', () => {
    expect(rejection(item('o1'), ['1', '2', '3'])).toBe('incomplete-order');
  });

  it('rejects unknown premises and responses in a matching answer', () => {
    expect(rejection(item('x1'), { 4: '1' })).toBe('unknown-premise');
    expect(rejection(item('x1'), { 'day-a': '1' })).toBe('unknown-premise');
    expect(rejection(item('x1'), JSON.parse('{"__proto__": "1"}'))).toBe('unknown-premise');
    expect(rejection(item('x1'), { 1: '5' })).toBe('unknown-response');
    expect(rejection(item('x1'), { 1: 'topic-a' })).toBe('unknown-response');
  });
});

describe('validateSubmission', () => {
  it('accepts a whole submission and leaves unanswered items out', () => {
    const check = validateSubmission(items, { 'demo/t1': true, 'demo/s1': presented(item('s1'), ['right'])[0], 'demo/m1': [], 'demo/o1': null });
    expect(check).toEqual({ ok: true, responses: { 'demo/t1': { type: 'true-false', value: true }, 'demo/s1': { type: 'single', optionId: 'right' } } });
    expect(validateSubmission(items, {})).toEqual({ ok: true, responses: {} });
  });

  it('rejects answers for items that are not in the attempt, and everything that is not a map', () => {
    const onlySingle = [drawnItem('s1')];
    const check = validateSubmission(onlySingle, { 'demo/s1': '1', 'demo/t1': true, 'other/s1': '1' });
    expect(check).toEqual({
      ok: false,
      rejections: [
        expect.objectContaining({ reason: 'item-not-in-attempt', itemKey: 'demo/t1' }),
        expect.objectContaining({ reason: 'item-not-in-attempt', itemKey: 'other/s1' }),
      ],
    });
    for (const raw of [null, 'demo/s1', ['1'], 42, new Date()]) {
      expect(validateSubmission(items, raw)).toEqual({ ok: false, rejections: [expect.objectContaining({ reason: 'not-an-object' })] });
    }
    expect(validateSubmission(items, JSON.parse('{"__proto__": {"demo/s1": "1"}}'))).toEqual({
      ok: false,
      rejections: [expect.objectContaining({ reason: 'item-not-in-attempt' })],
    });
  });

  it('rejects the whole submission when any answer is wrong, and reports every problem', () => {
    const check = validateSubmission(items, { 'demo/t1': true, 'demo/s1': '9', 'demo/m1': ['1', '1'] });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.rejections.map((r) => [r.itemKey, r.reason])).toEqual([
      ['demo/s1', 'unknown-option'],
      ['demo/m1', 'duplicate-option'],
    ]);
    expect(check.rejections.every((r) => r.detail.length > 0)).toBe(true);
  });
});
