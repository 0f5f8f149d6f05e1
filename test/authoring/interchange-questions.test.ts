import { readFileSync } from 'node:fs';
import path from 'node:path';
import { questionItemSchema } from '../../src/courses';
import { importAiken, importGift, type ImportProblem } from '../../src/authoring/interchange';

const corpus = (name: string) => readFileSync(path.join(__dirname, 'interchange-corpus', name), 'utf8');
const at = (problems: ImportProblem[], line: number) => problems.filter((problem) => problem.line === line).map((p) => `${p.severity}:${p.code}`);

describe('GIFT import', () => {
  const result = importGift(corpus('moodle.gift.txt'), { idPrefix: 'fire', existingIds: ['fire-001'] });
  const byStem = (start: string) => result.items.find((item) => item.stem.startsWith(start));

  it('converts every supported question type, Chinese text intact, into items the course schema accepts', () => {
    expect(result.items.map((item) => item.type)).toEqual(['single', 'multiple', 'true-false', 'true-false', 'matching', 'single', 'single']);
    for (const item of result.items) expect(questionItemSchema.safeParse(item).success).toBe(true);
    // Numbering continues after the bank's existing ids.
    expect(result.items.map((item) => item.id)).toEqual(['fire-002', 'fire-003', 'fire-004', 'fire-005', 'fire-006', 'fire-007', 'fire-008']);
  });

  it('keeps answers, per-option feedback, general feedback and tags', () => {
    expect(byStem('晚自习时走廊冒出浓烟')).toMatchObject({
      type: 'single',
      answer: 'a',
      tags: ['evacuation'],
      feedback: '烟气向上积聚，低姿前进、捂住口鼻能减少吸入有毒烟气。',
      options: [{ id: 'a', feedback: '正确：先撤离，同时报警。' }, { id: 'b', text: '让学生乘电梯下楼' }, { id: 'c' }],
    });
    expect(byStem('下列哪些做法')).toMatchObject({ type: 'multiple', answer: ['a', 'b'], scoring: 'partial' });
    expect(byStem('火灾时可以乘坐电梯')).toMatchObject({ type: 'true-false', answer: false, feedback: expect.stringContaining('电梯井') });
    expect(byStem('将日期与主题对应')).toMatchObject({
      type: 'matching',
      premises: [{ id: 'p1', text: '11月9日' }, { id: 'p2', text: '5月12日' }],
      responses: [{ text: '全国消防日' }, { text: '全国防灾减灾日' }, { text: '全国安全教育日' }],
      answer: { p1: 'r1', p2: 'r2' },
    });
    expect(byStem('学校应当 _____ 至少')).toMatchObject({ type: 'single', answer: 'b' });
  });

  it('gives questions without feedback the correct answer as feedback, with a warning', () => {
    expect(byStem('校长是学校安全工作的第一责任人')).toMatchObject({ answer: true, feedback: '正确答案：正确' });
    expect(at(result.problems, 21)).toEqual(['warning:feedbackFromAnswer']);
  });

  it('strips HTML from [html] questions, with a warning', () => {
    expect(byStem('下列哪个是灭火器')?.stem).toBe('下列哪个是灭火器检查的要点？');
    expect(at(result.problems, 44)).toEqual(['warning:formattingRemoved', 'warning:feedbackFromAnswer']);
  });

  it('reports every question it could not convert, at its line, with the reason', () => {
    const errors = result.problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((p) => [p.line, p.code, p.detail ?? ''])).toEqual([
      [32, 'unsupportedType', 'Short'],
      [34, 'unsupportedType', 'Numerical'],
      [36, 'unsupportedType', 'Essay'],
      [39, 'syntax', expect.stringContaining('"}"')],
      [40, 'tooManyOptions', '9'],
      [42, 'noCorrectOption', ''],
    ]);
    expect(result.questionCount).toBe(13);
  });

  it('parses a $CATEGORY line followed directly by a question', () => {
    const direct = importGift('$CATEGORY: 安全\n::q:: 是否正确？ {T}\n', { idPrefix: 'x' });
    expect(direct.items).toHaveLength(1);
    expect(direct.problems).toEqual([{ line: 2, severity: 'warning', code: 'feedbackFromAnswer' }]);
  });

  it('replaces an invalid or taken question id and says so', () => {
    const own = importGift('// [id:Q-1]\n问题？ {=是 ~否####因为。}\n\n// [id:taken]\n问题二？ {=是 ~否####因为。}\n', { idPrefix: 'x', existingIds: ['taken'] });
    expect(own.items.map((item) => item.id)).toEqual(['x-001', 'x-002']);
    expect(own.problems.map((p) => [p.line, p.code, p.detail])).toEqual([
      [1, 'idReplaced', 'Q-1'],
      [4, 'idReplaced', 'taken'],
    ]);
  });

  it('uses the labels it is given for generated feedback', () => {
    const english = importGift('Fire code? {=119 ~110}\n', { idPrefix: 'x', labels: { correctAnswer: (a) => `Answer: ${a}`, true: 'True', false: 'False' } });
    expect(english.items[0]?.feedback).toBe('Answer: 119');
  });
});

describe('Aiken import', () => {
  const result = importAiken(corpus('moodle.aiken.txt'), { idPrefix: 'fire' });

  it('converts well-formed questions, including full-width punctuation, into single-choice items', () => {
    expect(result.items.map((item) => [item.id, item.type, item.stem, 'answer' in item ? item.answer : undefined])).toEqual([
      ['fire-001', 'single', '学校应当多久开展一次全面的消防安全检查？', 'b'],
      ['fire-002', 'single', '火灾时应当怎样撤离？', 'b'],
      ['fire-003', 'single', 'Which number do you call for a fire in China?', 'b'],
    ]);
    expect(result.items[1]).toMatchObject({ options: [{ id: 'a', text: '乘坐电梯' }, { id: 'b', text: '走楼梯，低姿前进' }], feedback: '正确答案：走楼梯，低姿前进' });
    for (const item of result.items) expect(questionItemSchema.safeParse(item).success).toBe(true);
  });

  it('reports every malformed question and stray line with its line number', () => {
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.code, p.detail ?? ''])).toEqual([
      [19, 'noAnswerLine', ''],
      [25, 'optionOutOfOrder', 'C (B)'],
      [31, 'answerNotAnOption', 'E'],
      [33, 'unrecognisedLine', 'ANSWER: A'],
    ]);
    expect(result.questionCount).toBe(6);
  });

  it('starts the next question after one that lost its ANSWER line', () => {
    const text = ['问题一？', 'A. 甲', 'B. 乙', '问题二？', 'A. 丙', 'B. 丁', 'ANSWER: A'].join('\n');
    const next = importAiken(text, { idPrefix: 'x' });
    expect(next.items.map((item) => item.stem)).toEqual(['问题二？']);
    expect(next.problems.filter((p) => p.severity === 'error')).toEqual([{ line: 1, severity: 'error', code: 'noAnswerLine' }]);
  });

  it('refuses a question with more than eight options', () => {
    const text = ['问题？', ...'ABCDEFGHI'.split('').map((letter) => `${letter}. 选项${letter}`), 'ANSWER: A'].join('\n');
    expect(importAiken(text, { idPrefix: 'x' }).problems).toEqual([{ line: 10, severity: 'error', code: 'tooManyOptions', detail: '9' }]);
  });
});
