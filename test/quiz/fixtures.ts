import { assessmentPolicySchema, questionBankSchema, type AssessmentPolicy, type QuestionBank } from '../../src/courses';
import {
  bankVersionLookup,
  drawAttempt,
  presentedIdOf,
  resolveDraw,
  type Banks,
  type DrawnItem,
} from '../../src/quiz';

/**
 * Bank ids, option ids and feedback are distinctive strings, so a test can search serialised
 * output for them without matching by accident.
 */
export const demoBank: QuestionBank = questionBankSchema.parse({
  id: 'demo',
  version: 3,
  track: 'safety',
  title: { 'zh-CN': '示例题库' },
  items: [
    {
      id: 's1',
      type: 'single',
      stem: 'STEM-s1 走廊冒烟，第一步做什么？',
      difficulty: 'easy',
      tags: ['alpha'],
      options: [
        { id: 'right', text: 'TEXT-right 低姿撤离' },
        { id: 'wrong-one', text: 'TEXT-wrong-one 乘电梯', feedback: 'FB-OPTION-wrong-one 电梯会停运' },
        { id: 'wrong-two', text: 'TEXT-wrong-two 原地等待' },
        { id: 'none', text: 'TEXT-none 以上都不对', pinned: true },
      ],
      answer: 'right',
      feedback: 'FB-ITEM-s1 烟气上升',
    },
    {
      id: 'm1',
      type: 'multiple',
      scoring: 'partial',
      stem: 'STEM-m1 哪些属于负面清单？',
      difficulty: 'easy',
      tags: ['alpha'],
      points: 2,
      options: [
        { id: 'yes-a', text: 'TEXT-yes-a 有偿补课' },
        { id: 'yes-b', text: 'TEXT-yes-b 校外兼职' },
        { id: 'yes-c', text: 'TEXT-yes-c 收受礼金' },
        { id: 'yes-d', text: 'TEXT-yes-d 推销教辅' },
        { id: 'no-e', text: 'TEXT-no-e 课后答疑', feedback: 'FB-OPTION-no-e 这是正常工作' },
        { id: 'no-f', text: 'TEXT-no-f 社会实践' },
      ],
      answer: ['yes-a', 'yes-b', 'yes-c', 'yes-d'],
      feedback: 'FB-ITEM-m1 负面清单',
    },
    {
      id: 'm2',
      type: 'multiple',
      stem: 'STEM-m2 选出两项',
      difficulty: 'medium',
      tags: ['beta'],
      options: [
        { id: 'pick-a', text: 'TEXT-pick-a' },
        { id: 'pick-b', text: 'TEXT-pick-b' },
        { id: 'skip-c', text: 'TEXT-skip-c' },
      ],
      answer: ['pick-a', 'pick-b'],
      feedback: 'FB-ITEM-m2',
    },
    {
      id: 't1',
      type: 'true-false',
      stem: 'STEM-t1 学时只有考核合格才登记。',
      difficulty: 'easy',
      tags: ['beta'],
      answer: true,
      feedback: 'FB-ITEM-t1 合格才登记',
    },
    {
      id: 'o1',
      type: 'ordering',
      stem: 'STEM-o1 排列疏散步骤',
      difficulty: 'medium',
      tags: ['gamma'],
      // Listed in the correct order on purpose: the draw must still never show it that way.
      options: [
        { id: 'step-one', text: 'TEXT-step-one 报警' },
        { id: 'step-two', text: 'TEXT-step-two 低姿' },
        { id: 'step-three', text: 'TEXT-step-three 撤离' },
        { id: 'step-four', text: 'TEXT-step-four 清点' },
      ],
      answer: ['step-one', 'step-two', 'step-three', 'step-four'],
      feedback: 'FB-ITEM-o1 先报警',
    },
    {
      id: 'o2',
      type: 'ordering',
      stem: 'STEM-o2 两步',
      difficulty: 'easy',
      tags: ['gamma'],
      options: [
        { id: 'before', text: 'TEXT-before' },
        { id: 'after', text: 'TEXT-after' },
      ],
      answer: ['before', 'after'],
      feedback: 'FB-ITEM-o2',
    },
    {
      id: 'x1',
      type: 'matching',
      stem: 'STEM-x1 日子与主题',
      difficulty: 'easy',
      tags: ['gamma'],
      points: 3,
      premises: [
        { id: 'day-a', text: 'TEXT-day-a 11月9日' },
        { id: 'day-b', text: 'TEXT-day-b 5月12日' },
        { id: 'day-c', text: 'TEXT-day-c 3月最后一个周一' },
      ],
      responses: [
        { id: 'topic-a', text: 'TEXT-topic-a 消防日' },
        { id: 'topic-b', text: 'TEXT-topic-b 防灾减灾日' },
        { id: 'topic-c', text: 'TEXT-topic-c 安全教育日' },
        { id: 'topic-x', text: 'TEXT-topic-x 干扰项' },
      ],
      answer: { 'day-a': 'topic-a', 'day-b': 'topic-b', 'day-c': 'topic-c' },
      feedback: 'FB-ITEM-x1 119',
    },
  ],
});

export const demoBanks: Banks = new Map([[demoBank.id, demoBank]]);

export function policy(overrides: Record<string, unknown> = {}): AssessmentPolicy {
  return assessmentPolicySchema.parse({ passMark: 80, pools: [{ bank: 'demo', draw: 1 }], ...overrides });
}

/** Every item of the demo bank, drawn and resolved with one seed (random item order). */
export function drawDemo(seed: string, overrides: Record<string, unknown> = {}): DrawnItem[] {
  const all = policy({ pools: [{ bank: 'demo', items: demoBank.items.map((item) => item.id) }], ...overrides });
  return resolveDraw(drawAttempt({ policy: all, banks: demoBanks, seed }), bankVersionLookup(demoBanks));
}

export function drawnItem(itemId: string, seed = 'fixed-seed'): DrawnItem {
  const found = drawDemo(seed).find((drawn) => drawn.item.id === itemId);
  if (!found) throw new Error(`no demo item ${itemId}`);
  return found;
}

/** Presented ids for bank ids of a drawn item's options / steps / responses. */
export function presented(drawn: DrawnItem, bankIds: string[]): string[] {
  const order = drawn.type === 'single' || drawn.type === 'multiple' ? drawn.optionOrder : drawn.type === 'ordering' ? drawn.stepOrder : drawn.type === 'matching' ? drawn.responseOrder : [];
  return bankIds.map((id) => {
    const presentedId = presentedIdOf(order, id);
    if (!presentedId) throw new Error(`${id} is not a choice of ${drawn.key}`);
    return presentedId;
  });
}

/** A matching submission from bank ids: premise id → response id. */
export function presentedMatches(drawn: DrawnItem, matches: Record<string, string>): Record<string, string> {
  if (drawn.type !== 'matching') throw new Error('not a matching item');
  return Object.fromEntries(
    Object.entries(matches).map(([premise, response]) => [presentedIdOf(drawn.premiseOrder, premise), presentedIdOf(drawn.responseOrder, response)]),
  );
}

/** What a learner who knows everything would submit, in presented ids. */
export function correctSubmission(drawn: DrawnItem): unknown {
  switch (drawn.type) {
    case 'single':
      return presented(drawn, [drawn.item.answer])[0];
    case 'multiple':
      return presented(drawn, drawn.item.answer);
    case 'true-false':
      return drawn.item.answer;
    case 'ordering':
      return presented(drawn, drawn.item.answer);
    case 'matching':
      return presentedMatches(drawn, drawn.item.answer);
  }
}

export const seeds = (count: number, prefix = 'seed'): string[] => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
