import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ModuleVersionModel } from '../../src/courses';
import { ARTIFACTS_DIR, launchChromium, seriousAxeViolations, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

const MODULE = 'safety-lab-browser';

describe('authoring a module in a browser', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  const violations: string[] = [];

  async function audit(page: Page, name: string): Promise<void> {
    violations.push(...(await seriousAxeViolations(page)).map((violation) => `${name}: ${violation}`));
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS_DIR, `authoring-${name}.png`), fullPage: true });

  beforeAll(async () => {
    served = await serve(testApp());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('writes a lesson and three questions, previews them and publishes, on accessible pages', async () => {
    const url = served.url;
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${url}/dev/login`);
    await page.getByLabel('姓名').fill('培训者陈老师');
    await page.getByLabel('培训者').check();
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/catalog');

    await page.getByRole('link', { name: '编写课程' }).click();
    await page.waitForURL('**/authoring');
    await audit(page, 'workspace');
    await page.getByLabel('中文标题').fill('实验室危险化学品管理');
    await page.getByLabel('模块编号').fill(MODULE);
    await page.getByLabel('培训类别').selectOption('safety');
    await page.getByRole('button', { name: '创建模块' }).click();
    await page.waitForURL(`**/authoring/${MODULE}`);
    await audit(page, 'module');

    // Settings save themselves a few seconds after a change.
    await page.getByLabel('英文标题（可选）').fill('Laboratory chemicals');
    await page.getByLabel('学时', { exact: true }).fill('1.5');
    await page.getByText(/已保存（\d\d:\d\d）/).waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: '添加课节' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/lessons/0`);
    await page.getByLabel('课节标题').fill('存放与领用');
    await page.getByLabel('课节编号').fill('storage');
    await page.getByLabel('预计学习分钟数').fill('6');
    await page.getByLabel('课节内容（Markdown）').fill('## 专柜存放\n\n危险化学品存放在**专用库房**，双人双锁，领用登记。\n\n<script>alert(1)</script>');
    // The live preview comes from the server's sanitiser: the heading renders, the script is text.
    await page.locator('#lesson-preview h2', { hasText: '专柜存放' }).waitFor();
    await page.locator('#lesson-preview', { hasText: '<script>alert(1)</script>' }).waitFor();
    await page.getByText(/已保存（\d\d:\d\d）/).waitFor({ timeout: 15_000 });
    await audit(page, 'lesson');
    await shot(page, 'lesson');

    // Leaving with unsaved changes asks first.
    await page.getByLabel('预计学习分钟数').fill('7');
    const dialog = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.type()); void d.dismiss(); }));
    await page.getByRole('link', { name: '返回模块' }).click();
    expect(await dialog).toBe('beforeunload');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/lessons/0`);
    await page.getByRole('link', { name: '返回模块' }).click();
    await page.waitForURL(`**/authoring/${MODULE}#lessons`);

    const addQuestion = async (type: string, index: number) => {
      await page.getByLabel('题型').selectOption(type);
      await page.getByRole('button', { name: '添加题目' }).click();
      await page.waitForURL(`**/authoring/${MODULE}/items/${index}`);
    };
    await addQuestion('single', 0);
    await page.getByLabel('题干').fill('危险化学品应当如何存放？');
    await page.getByLabel('选项 1', { exact: true }).fill('放在教室讲台下');
    await page.getByLabel('选项 2', { exact: true }).fill('专用库房，双人双锁');
    await page.locator('input[name="answer"][value="1"]').check();
    await page.getByLabel('解析').fill('危险化学品必须专库存放、双人双锁、领用登记。');
    await page.getByLabel('标签').fill('storage');
    await audit(page, 'question');
    await shot(page, 'question');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/items/0`);
    await page.getByLabel('选项 3', { exact: true }).fill('由学生自行保管');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/items/0`);
    await page.getByRole('link', { name: '返回模块' }).click();

    await addQuestion('true-false', 1);
    await page.getByLabel('题干').fill('领用危险化学品需要登记。');
    await page.getByLabel('正确', { exact: true }).check();
    await page.getByLabel('解析').fill('领用、归还都要登记，做到账物相符。');
    await page.getByLabel('标签').fill('storage');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/items/1`);
    await page.getByRole('link', { name: '返回模块' }).click();

    await addQuestion('ordering', 2);
    await page.getByLabel('题干').fill('发生少量泄漏时，按顺序排列处置步骤。');
    await page.getByLabel('第 1 步').fill('疏散附近学生');
    await page.getByLabel('第 2 步').fill('报告安全负责人');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/items/2`);
    await page.getByLabel('第 3 步').fill('按预案清理并记录');
    await page.getByLabel('解析').fill('先保人员安全，再报告，最后按预案处置。');
    await page.getByLabel('标签').fill('emergency');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(`**/authoring/${MODULE}/items/2`);
    await page.getByRole('link', { name: '返回模块' }).click();

    // The first question turned the quiz on drawing one item; the trainer asks for all three.
    await page.getByRole('link', { name: '考核设置' }).click();
    await page.getByLabel('合格线（%）').fill('60');
    await page.getByLabel('随机抽题数').first().fill('3');
    await audit(page, 'assessment');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('link', { name: '返回模块' }).click();
    await page.getByText('草稿符合课程格式的全部规则').waitFor();
    await shot(page, 'module');

    await page.getByRole('link', { name: '以学员身份预览' }).first().click();
    await page.getByRole('heading', { name: '学员预览' }).waitFor();
    await audit(page, 'preview');
    await page.getByRole('group', { name: /危险化学品应当如何存放/ }).getByLabel('专用库房，双人双锁').check();
    await page.getByRole('group', { name: /领用危险化学品需要登记/ }).getByLabel('正确').check();
    const ordering = page.getByRole('group', { name: /按顺序排列处置步骤/ });
    for (const [index, step] of ['疏散附近学生', '报告安全负责人', '按预案清理并记录'].entries()) await ordering.getByLabel(step).selectOption(String(index + 1));
    await shot(page, 'preview');
    await page.getByRole('button', { name: '提交评分（预览）' }).click();
    await page.locator('.score-number', { hasText: '100%' }).waitFor();
    await audit(page, 'preview-review');

    await page.getByRole('link', { name: '发布……' }).click();
    await page.getByText('这个模块还没有发布过，将发布为第 1 版。').waitFor();
    await audit(page, 'publish');
    await shot(page, 'publish');
    await page.getByRole('button', { name: '发布第 1 版' }).click();
    await page.getByText('已发布第 1 版。').waitFor();

    const published = await ModuleVersionModel.findOne({ moduleId: MODULE, version: 1 }).lean();
    expect(published!.lessons.map((l) => l.id)).toEqual(['storage']);
    expect(published!.lessons[0]!.minutes).toBe(7);
    expect(published!.assessment).toMatchObject({ passMark: 60, pools: [{ bank: MODULE, draw: 3 }] });

    // Someone else saves while the trainer is typing: autosave stops and says who and what to do.
    const adminContext = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${url}/dev/login`);
    await adminPage.getByLabel('姓名').fill('区管理员');
    await adminPage.getByLabel('系统管理员').check();
    await adminPage.getByRole('button', { name: '登录' }).click();
    await adminPage.waitForURL('**/catalog');
    await adminPage.goto(`${url}/authoring/${MODULE}`);
    await page.goto(`${url}/authoring/${MODULE}`);
    await adminPage.getByLabel('学时', { exact: true }).fill('2');
    await adminPage.getByRole('button', { name: '保存' }).click();
    await adminPage.waitForURL(`**/authoring/${MODULE}`);
    await page.getByLabel('学时', { exact: true }).fill('3');
    await page.getByRole('alert').filter({ hasText: '区管理员' }).filter({ hasText: '你的修改没有保存' }).waitFor({ timeout: 15_000 });
    await shot(page, 'conflict');
    await adminContext.close();

    expect(violations).toEqual([]);
    await context.close();
  });
});
