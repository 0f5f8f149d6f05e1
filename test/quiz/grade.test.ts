import { assessmentPolicySchema, questionBankSchema } from '../../src/courses';
import {
  bankVersionLookup,
  drawAttempt,
  gradeAttempt,
  gradeItem,
  validateSubmission,
  type DrawnItem,
  type ItemResponse,
  type Responses,
  resolveDraw,
} from '../../src/quiz';
import { correctSubmission, drawDemo, presented, presentedMatches, seeds } from './fixtures';

const items = drawDemo('grading');
const item = (id: string): DrawnItem => items.find((drawn) => drawn.item.id === id)!;
const grade = (id: string, response: ItemResponse | undefined) => {
  const { earned, correctness } = gradeItem(item(id), response);
  return [earned, correctness];
};
const multiple = (...optionIds: string[]): ItemResponse => ({ type: 'multiple', optionIds });
const matching = (matches: Record<string, string>): ItemResponse => ({ type: 'matching', matches });

describe('gradeItem', () => {
  it('grades single choice all or nothing', () => {
    expect(grade('s1', { type: 'single', optionId: 'right' })).toEqual([1, 'correct']);
    expect(grade('s1', { type: 'single', optionId: 'none' })).toEqual([0, 'incorrect']);
    expect(grade('s1', undefined)).toEqual([0, 'unanswered']);
    expect(gradeItem(item('s1'), undefined)).toEqual({ key: 'demo/s1', earned: 0, possible: 1, correctness: 'unanswered' });
  });

  it('grades true-false', () => {
    expect(grade('t1', { type: 'true-false', value: true })).toEqual([1, 'correct']);
    expect(grade('t1', { type: 'true-false', value: false })).toEqual([0, 'incorrect']);
    expect(grade('t1', undefined)).toEqual([0, 'unanswered']);
  });

  it('grades partial multiple choice as correct share minus wrong share, never below 0 (4 of 6 correct, 2 points)', () => {
    expect(grade('m1', multiple('yes-a', 'yes-b', 'yes-c', 'yes-d'))).toEqual([2, 'correct']);
    expect(grade('m1', multiple('yes-a', 'yes-b', 'yes-c'))).toEqual([1.5, 'partial']);
    expect(grade('m1', multiple('yes-a'))).toEqual([0.5, 'partial']);
    // each wrong pick costs 1/2 of the item here (two wrong options)
    expect(grade('m1', multiple('yes-a', 'yes-b', 'yes-c', 'yes-d', 'no-e'))).toEqual([1, 'partial']);
    expect(grade('m1', multiple('yes-a', 'yes-b', 'no-e'))).toEqual([0, 'incorrect']);
    expect(grade('m1', multiple('no-e', 'no-f'))).toEqual([0, 'incorrect']);
    // choosing everything must not pay
    expect(grade('m1', multiple('yes-a', 'yes-b', 'yes-c', 'yes-d', 'no-e', 'no-f'))).toEqual([0, 'incorrect']);
    expect(grade('m1', undefined)).toEqual([0, 'unanswered']);
  });

  it('counts an option once even if a stored response repeats it', () => {
    expect(grade('m1', multiple('yes-a', 'yes-a', 'yes-a', 'yes-a'))).toEqual([0.5, 'partial']);
  });

  it('grades all-or-nothing multiple choice on the exact set', () => {
    expect(grade('m2', multiple('pick-b', 'pick-a'))).toEqual([1, 'correct']);
    expect(grade('m2', multiple('pick-a'))).toEqual([0, 'incorrect']);
    expect(grade('m2', multiple('pick-a', 'pick-b', 'skip-c'))).toEqual([0, 'incorrect']);
  });

  it('grades ordering all or nothing', () => {
    expect(grade('o1', { type: 'ordering', stepIds: ['step-one', 'step-two', 'step-three', 'step-four'] })).toEqual([1, 'correct']);
    expect(grade('o1', { type: 'ordering', stepIds: ['step-one', 'step-two', 'step-four', 'step-three'] })).toEqual([0, 'incorrect']);
    expect(grade('o2', { type: 'ordering', stepIds: ['after', 'before'] })).toEqual([0, 'incorrect']);
  });

  it('grades matching by the share of premises matched correctly (3 premises, 3 points)', () => {
    expect(grade('x1', matching({ 'day-a': 'topic-a', 'day-b': 'topic-b', 'day-c': 'topic-c' }))).toEqual([3, 'correct']);
    expect(grade('x1', matching({ 'day-a': 'topic-a', 'day-b': 'topic-x', 'day-c': 'topic-c' }))).toEqual([2, 'partial']);
    expect(grade('x1', matching({ 'day-a': 'topic-a' }))).toEqual([1, 'partial']);
    expect(grade('x1', matching({ 'day-a': 'topic-a', 'day-b': 'topic-a', 'day-c': 'topic-a' }))).toEqual([1, 'partial']);
    expect(grade('x1', matching({ 'day-a': 'topic-b', 'day-b': 'topic-a' }))).toEqual([0, 'incorrect']);
    expect(grade('x1', matching({}))).toEqual([0, 'unanswered']);
  });

  it('refuses a response of another type rather than guessing', () => {
    expect(() => gradeItem(item('s1'), { type: 'true-false', value: true })).toThrow(TypeError);
  });
});

describe('gradeAttempt', () => {
  const policy = { passMark: 80 };
  // s1 1, m1 2, m2 1, t1 1, o1 1, o2 1, x1 3 = 10 points
  const allCorrect = (): Record<string, unknown> => Object.fromEntries(items.map((drawn) => [drawn.key, correctSubmission(drawn)]));
  const gradeSubmission = (raw: Record<string, unknown>) => {
    const check = validateSubmission(items, raw);
    if (!check.ok) throw new Error(JSON.stringify(check.rejections));
    return gradeAttempt(items, check.responses, policy);
  };

  it('gives 100% for the correct answers, whatever the presented order', () => {
    for (const seed of seeds(20)) {
      const drawn = drawDemo(seed);
      const check = validateSubmission(drawn, Object.fromEntries(drawn.map((d) => [d.key, correctSubmission(d)])));
      if (!check.ok) throw new Error('rejected');
      expect(gradeAttempt(drawn, check.responses, policy)).toMatchObject({ earned: 10, possible: 10, percent: 100, passed: true });
    }
  });

  it('gives 0% and no error for an empty submission', () => {
    const result = gradeSubmission({});
    expect(result).toMatchObject({ earned: 0, possible: 10, percent: 0, passed: false });
    expect(result.items.every((itemGrade) => itemGrade.correctness === 'unanswered')).toBe(true);
    expect(result.items.map((itemGrade) => itemGrade.key)).toEqual(items.map((drawn) => drawn.key));
  });

  it('passes at exactly the pass mark and fails just below it', () => {
    const raw = allCorrect();
    raw['demo/x1'] = presentedMatches(item('x1'), { 'day-a': 'topic-a' }); // 3 → 1: 8 of 10
    expect(gradeSubmission(raw)).toMatchObject({ earned: 8, percent: 80, passed: true });
    raw['demo/m1'] = presented(item('m1'), ['yes-a', 'yes-b', 'yes-c']); // 2 → 1.5: 7.5 of 10
    expect(gradeSubmission(raw)).toMatchObject({ earned: 7.5, percent: 75, passed: false });
  });

  it('truncates the percentage so a fail never shows as the pass mark', () => {
    const three = items.filter((drawn) => ['s1', 't1', 'o2'].includes(drawn.key.split('/')[1]!));
    const responses: Responses = { 'demo/s1': { type: 'single', optionId: 'right' }, 'demo/t1': { type: 'true-false', value: true } };
    expect(gradeAttempt(three, responses, { passMark: 66.7 })).toMatchObject({ earned: 2, possible: 3, percent: 66.6, passed: false });
    expect(gradeAttempt(three, responses, { passMark: 66.6 })).toMatchObject({ percent: 66.6, passed: true });
  });

  it('keeps partial points short and sums thirds without drift', () => {
    const partial = (id: string) => ({
      id,
      type: 'multiple',
      scoring: 'partial',
      stem: id,
      difficulty: 'easy',
      tags: ['t'],
      options: ['a', 'b', 'c', 'd'].map((option) => ({ id: option, text: option })),
      answer: ['a', 'b', 'c'],
      feedback: 'why',
    });
    const bank = questionBankSchema.parse({ id: 'thirds', version: 1, track: 'safety', title: { 'zh-CN': 't' }, items: ['q1', 'q2', 'q3'].map(partial) });
    const banks = new Map([[bank.id, bank]]);
    const drawn = resolveDraw(
      drawAttempt({ policy: assessmentPolicySchema.parse({ passMark: 30, pools: [{ bank: 'thirds', draw: 3 }] }), banks, seed: 't' }),
      bankVersionLookup(banks),
    );
    const oneThird: ItemResponse = { type: 'multiple', optionIds: ['a'] };
    const result = gradeAttempt(drawn, { 'thirds/q1': oneThird, 'thirds/q2': oneThird, 'thirds/q3': oneThird }, { passMark: 100 / 3 });
    expect(result.items.map((itemGrade) => itemGrade.earned)).toEqual([0.333333, 0.333333, 0.333333]);
    expect(result).toMatchObject({ earned: 1, possible: 3, percent: 33.3, passed: true });
  });

  it('never grades a submission with tampered ids, duplicates or foreign items', () => {
    for (const tampered of [{ 'demo/s1': 'right' }, { 'demo/m1': ['1', '1'] }, { 'other/q1': '1' }, { 'demo/o1': ['1', '2'] }]) {
      expect(validateSubmission(items, tampered).ok).toBe(false);
    }
  });
});
