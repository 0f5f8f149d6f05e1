import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { ARTIFACTS_DIR, launchChromium, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { quizCourses } from '../support/quiz-fixtures';
import { testApp, TestClock } from '../support/web';

useTestDatabase();

const MODULE = 'safety-quiz-browser';

/** Answers every question on the page, right or wrong, using only the keyboard-friendly controls a person would. */
async function answerAll(page: Page, mode: 'right' | 'wrong'): Promise<void> {
  const right = mode === 'right';
  await page.getByRole('group', { name: /走廊冒烟时首先做什么/ }).getByLabel(right ? '组织学生低姿撤离' : '留在教室等待').check();
  const multiple = page.getByRole('group', { name: /哪些属于每季度消防检查的内容/ });
  for (const option of right ? ['灭火器', '疏散通道', '应急照明'] : ['学生作业']) await multiple.getByLabel(option).check();
  await page.getByRole('group', { name: /学校每年至少组织一次疏散演练/ }).getByLabel(right ? '正确' : '错误').check();
  const ordering = page.getByRole('group', { name: /排列疏散步骤/ });
  const steps = right ? ['发出警报', '沿通道撤离', '到达集合点清点人数'] : ['到达集合点清点人数', '沿通道撤离', '发出警报'];
  for (const [index, step] of steps.entries()) await ordering.getByLabel(step).selectOption(String(index + 1));
  const matching = page.getByRole('group', { name: /配对日期与主题/ });
  await matching.getByLabel('11月9日').selectOption({ label: right ? '全国消防日' : '全国爱牙日' });
  await matching.getByLabel('5月12日').selectOption({ label: right ? '全国防灾减灾日' : '全国爱牙日' });
}

describe('taking an assessment in a browser', () => {
  const clock = new TestClock();
  let served: Awaited<ReturnType<typeof serve>>;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const fixture = quizCourses(MODULE, 'passMark: 80\n  maxAttempts: 3\n  cooldownMinutes: 10\n  review: after-each-attempt');
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    served = await serve(testApp({ clock: clock.now }));
    url = served.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('fails, retries after the cooldown, passes, and resumes after the tab is closed', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'zh-CN' });
    let page = await context.newPage();
    await page.goto(`${url}/dev/login`);
    await page.getByLabel('姓名').fill('周佳怡');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/catalog');

    await page.goto(`${url}/modules/${MODULE}`);
    await page.getByRole('link', { name: '开始学习' }).click();
    for (let lesson = 0; lesson < 2; lesson++) await page.getByRole('button', { name: '标记为已学' }).click();
    await page.getByText('全部课节已学完').waitFor();

    await page.getByRole('button', { name: '开始第 1 次考核' }).click();
    await page.getByRole('heading', { name: '第 1 次考核' }).waitFor();
    await answerAll(page, 'wrong');
    await page.getByText(/已保存/).waitFor();
    await page.getByRole('button', { name: '提交评分' }).click();
    await page.getByText('未达到合格线（80%）。').waitFor();
    await page.getByText(/下一次作答将于/).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'quiz-failed.png'), fullPage: true });

    clock.advanceMinutes(10);
    await page.goto(`${url}/modules/${MODULE}`);
    await page.getByRole('button', { name: '开始第 2 次考核' }).click();
    await page.getByRole('heading', { name: '第 2 次考核' }).waitFor();
    const attemptUrl = page.url();
    await answerAll(page, 'right');
    await page.getByText(/已保存/).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'quiz-attempt.png'), fullPage: true });

    // Close the tab mid-attempt: a new tab finds every answer where it was left.
    await page.close();
    page = await context.newPage();
    await page.goto(`${url}/modules/${MODULE}`);
    await page.getByRole('link', { name: '继续作答' }).click();
    expect(page.url()).toBe(attemptUrl);
    expect(await page.getByRole('group', { name: /走廊冒烟时首先做什么/ }).getByLabel('组织学生低姿撤离').isChecked()).toBe(true);
    expect(await page.getByRole('group', { name: /排列疏散步骤/ }).getByLabel('发出警报').inputValue()).toBe('1');

    await page.getByRole('button', { name: '提交评分' }).click();
    await page.getByText('合格！').waitFor();
    await page.getByText('可计 2.5 学时').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'quiz-passed.png'), fullPage: true });
    await context.close();
  });
});
