import { buildReview, gradeAttempt, validateSubmission, type DrawnItem, type ReviewItem } from '../../src/quiz';
import { drawDemo, presented, presentedMatches } from './fixtures';

const items = drawDemo('review');
const item = (id: string): DrawnItem => items.find((drawn) => drawn.item.id === id)!;

function reviewFor(reveal: boolean) {
  const check = validateSubmission(items, {
    'demo/s1': presented(item('s1'), ['wrong-one'])[0],
    'demo/m1': presented(item('m1'), ['yes-a', 'no-e']),
    'demo/t1': false,
    'demo/o1': presented(item('o1'), ['step-two', 'step-one', 'step-three', 'step-four']),
    'demo/x1': presentedMatches(item('x1'), { 'day-a': 'topic-a', 'day-b': 'topic-x' }),
  });
  if (!check.ok) throw new Error('rejected');
  const grade = gradeAttempt(items, check.responses, { passMark: 80 });
  return buildReview(items, check.responses, grade, reveal ? { reveal: true } : { reveal: false, reason: 'review-never' });
}

const entry = <T extends ReviewItem['type']>(review: ReturnType<typeof reviewFor>, id: string, type: T) => {
  const found = review.items.find((candidate) => candidate.key === `demo/${id}`);
  if (found?.type !== type) throw new Error(`expected a ${type} item`);
  return found as ReviewItem & { type: T };
};

describe('buildReview', () => {
  it('always shows the score and the learner’s own answers', () => {
    for (const reveal of [true, false]) {
      const review = reviewFor(reveal);
      expect(review).toMatchObject({ earned: 1, possible: 10, percent: 10, passed: false, revealed: reveal });
      expect(review.items.map((i) => i.key)).toEqual(items.map((d) => d.key));
      const single = entry(review, 's1', 'single');
      expect(single.options.filter((o) => o.chosen).map((o) => o.text)).toEqual(['TEXT-wrong-one 乘电梯']);
      expect(single.options.map((o) => o.id)).toEqual(['1', '2', '3', '4']);
      expect(entry(review, 't1', 'true-false').chosen).toBe(false);
      expect(entry(review, 'o1', 'ordering').chosenOrder?.map((s) => s.text.split(' ')[0])).toEqual([
        'TEXT-step-two',
        'TEXT-step-one',
        'TEXT-step-three',
        'TEXT-step-four',
      ]);
      const matching = entry(review, 'x1', 'matching');
      expect(matching.premises.map((p) => p.chosen?.text.split(' ')[0])).toEqual(['TEXT-topic-a', 'TEXT-topic-x', undefined]);
      expect(entry(review, 'm2', 'multiple').options.every((o) => !o.chosen)).toBe(true);
    }
  });

  it('shows results, feedback and correct answers when revealed', () => {
    const review = reviewFor(true);
    const single = entry(review, 's1', 'single');
    expect(single.result).toEqual({ earned: 0, possible: 1, correctness: 'incorrect' });
    expect(single.feedback).toBe('FB-ITEM-s1 烟气上升');
    expect(single.options.find((o) => o.correct)?.text).toBe('TEXT-right 低姿撤离');
    expect(single.options.find((o) => o.chosen)?.feedback).toBe('FB-OPTION-wrong-one 电梯会停运');
    expect(entry(review, 'm1', 'multiple').result).toEqual({ earned: 0, possible: 2, correctness: 'incorrect' });
    expect(entry(review, 'm2', 'multiple').result?.correctness).toBe('unanswered');
    expect(entry(review, 't1', 'true-false')).toMatchObject({ answer: true, result: { correctness: 'incorrect' } });
    expect(entry(review, 'o1', 'ordering').correctOrder?.map((s) => s.text.split(' ')[0])).toEqual([
      'TEXT-step-one',
      'TEXT-step-two',
      'TEXT-step-three',
      'TEXT-step-four',
    ]);
    const matching = entry(review, 'x1', 'matching');
    expect(matching.result).toEqual({ earned: 1, possible: 3, correctness: 'partial' });
    expect(matching.premises.map((p) => p.correct?.text.split(' ')[0])).toEqual(['TEXT-topic-a', 'TEXT-topic-b', 'TEXT-topic-c']);
  });

  it('shows nothing that tells what was right when not revealed', () => {
    const json = JSON.stringify(reviewFor(false));
    expect(json).not.toContain('FB-');
    for (const field of ['"correct"', '"correctOrder"', '"answer"', '"result"', '"feedback"', '"correctness"']) expect(json).not.toContain(field);
    for (const bankId of ['"right"', '"wrong-one"', '"yes-a"', '"step-one"', '"topic-a"', '"day-a"']) expect(json).not.toContain(bankId);
  });
});
