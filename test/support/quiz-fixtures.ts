import type { Agent } from 'supertest';
import { UserModel } from '../../src/users';
import { answerKey, loadAttempt, presentOpenAttempt, toPresentedResponse, type PresentedItem } from '../../src/quiz';
import { CoursesFixture } from './course-fixtures';
import { csrfTokenIn } from './web';

/** One item of every type, so every form control and grading rule is exercised. */
export const BANK_YAML = `id: quiz-web-bank
version: 1
track: safety
title:
  zh-CN: 测试题库
items:
  - id: single-1
    type: single
    stem: 走廊冒烟时首先做什么？
    difficulty: easy
    tags: [fire]
    options:
      - { id: a, text: 组织学生低姿撤离 }
      - { id: b, text: 乘电梯下楼, feedback: 火灾时不能乘电梯。 }
      - { id: c, text: 留在教室等待 }
    answer: a
    feedback: 烟气向上，低姿撤离最安全。
  - id: multiple-1
    type: multiple
    scoring: partial
    stem: 哪些属于每季度消防检查的内容？
    difficulty: medium
    tags: [fire]
    options:
      - { id: a, text: 灭火器 }
      - { id: b, text: 疏散通道 }
      - { id: c, text: 学生作业 }
      - { id: d, text: 应急照明 }
    answer: [a, b, d]
    feedback: 灭火器、疏散通道和应急照明都要检查。
  - id: tf-1
    type: true-false
    stem: 学校每年至少组织一次疏散演练。
    difficulty: easy
    tags: [drill]
    answer: true
    feedback: 至少每年一次，很多地方要求每学期一次。
  - id: order-1
    type: ordering
    stem: 排列疏散步骤。
    difficulty: medium
    tags: [drill]
    options:
      - { id: s1, text: 发出警报 }
      - { id: s2, text: 沿通道撤离 }
      - { id: s3, text: 到达集合点清点人数 }
    answer: [s1, s2, s3]
    feedback: 先报警，再撤离，最后清点。
  - id: match-1
    type: matching
    stem: 配对日期与主题。
    difficulty: easy
    tags: [days]
    premises:
      - { id: p1, text: 11月9日 }
      - { id: p2, text: 5月12日 }
    responses:
      - { id: r1, text: 全国消防日 }
      - { id: r2, text: 全国防灾减灾日 }
      - { id: r3, text: 全国爱牙日 }
    answer: { p1: r1, p2: r2 }
    feedback: 11月9日是消防日，5月12日是防灾减灾日。
`;

export function quizCourses(moduleId = 'safety-quiz-web', assessment = 'passMark: 80\n  maxAttempts: 3\n  cooldownMinutes: 10\n  timeLimitMinutes: 20\n  review: after-each-attempt'): CoursesFixture {
  return new CoursesFixture()
    .write('banks/quiz-web-bank.yaml', BANK_YAML)
    .module(moduleId, { extra: `assessment:\n  ${assessment}\n  pools:\n    - bank: quiz-web-bank\n      draw: 5\n` });
}

/** Turns presented answers into the form fields a browser would post. */
export function formFields(items: readonly PresentedItem[], answers: Record<string, unknown>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const item of items) {
    const value = answers[item.key];
    if (value === undefined || value === null) continue;
    if (item.type === 'ordering') (value as string[]).forEach((step, index) => (fields[`q:${item.key}:${step}`] = String(index + 1)));
    else if (item.type === 'matching') for (const [premise, response] of Object.entries(value as Record<string, string>)) fields[`q:${item.key}:${premise}`] = response;
    else fields[`q:${item.key}`] = Array.isArray(value) ? (value as string[]) : String(value);
  }
  return fields;
}

/** Form fields answering every question of an attempt correctly (or, with `wrong`, single and true-false wrongly). */
export async function answerFields(attemptId: string, learnerName: string, mode: 'correct' | 'wrong'): Promise<Record<string, string | string[]>> {
  const user = await UserModel.findOne({ displayName: learnerName }).lean();
  const open = await loadAttempt(attemptId, user!._id);
  const { items } = presentOpenAttempt(open!);
  const answers: Record<string, unknown> = {};
  for (const drawn of open!.items) {
    const response = answerKey(drawn.item);
    if (mode === 'wrong') {
      if (response.type === 'single') response.optionId = 'c';
      if (response.type === 'true-false') response.value = !response.value;
      if (response.type === 'ordering') response.stepIds = [...response.stepIds].reverse();
      if (response.type === 'matching') response.matches = { p1: 'r3', p2: 'r3' };
      if (response.type === 'multiple') response.optionIds = ['c'];
    }
    answers[drawn.key] = toPresentedResponse(drawn, response);
  }
  return formFields(items, answers);
}

export async function studyAllLessons(agent: Agent, moduleId: string, lessonIds = ['first', 'second']): Promise<void> {
  for (const lesson of lessonIds) {
    const page = await agent.get(`/modules/${moduleId}/v/1/lessons/${lesson}`).expect(200);
    await agent.post(`/modules/${moduleId}/v/1/lessons/${lesson}/studied`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
  }
}

export async function startAttemptOver(agent: Agent, moduleId: string): Promise<string> {
  const page = await agent.get(`/modules/${moduleId}`).expect(200);
  const response = await agent.post(`/modules/${moduleId}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
  const match = /^\/attempts\/([A-Za-z0-9_-]{22})$/.exec(response.headers.location ?? '');
  if (!match?.[1]) throw new Error(`expected a redirect to an attempt, got ${response.headers.location}`);
  return match[1];
}
