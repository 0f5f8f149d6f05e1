import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../src/server';
import { upsertSchool } from '../../src/users';
import { ARTIFACTS_DIR, launchChromium, startFullServer } from '../support/browser';
import { CoursesFixture } from '../support/course-fixtures';

/**
 * The whole stack as `npm start` runs it (config, database, catalog sync, HTTP), driven by a
 * real headless Chromium the way a teacher would use it.
 */
describe('learner flow in a browser', () => {
  let running: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const courses = new CoursesFixture().module('homeroom-new-browser', {
      lessons: [
        { file: 'lessons/01-role.md', id: 'role', title: '班主任是谁', body: '## 角色\n\n班主任是班级工作的**组织者**和学生成长的引路人。\n\n- 关心每一名学生\n- 与家长保持沟通' },
        { file: 'lessons/02-week.md', id: 'week', title: '开学第一周', body: '## 案例\n\n小李老师接手初一（3）班，第一周先认识每一名学生。' },
      ],
    });
    running = await startFullServer(courses, 'test_browser_learner_flow');
    await upsertSchool({ code: 'browser-school', name: '滨河实验小学' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('signs in, opens a module, studies a lesson and sees progress move', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${running.url}/catalog`);
    await page.getByRole('link', { name: '开发环境：直接登录' }).click();

    await page.getByLabel('姓名').fill('李晓雯');
    await page.getByLabel('学校', { exact: true }).selectOption('browser-school');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL('**/catalog');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'learner-catalog.png'), fullPage: true });

    await page.getByRole('link', { name: '测试模块 homeroom-new-browser' }).click();
    await page.getByText('已学 0 / 2 课节').waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('0');

    await page.getByRole('link', { name: '开始学习' }).click();
    await page.getByRole('heading', { level: 1, name: '班主任是谁' }).waitFor();
    expect(await page.locator('.lesson-body strong').textContent()).toBe('组织者');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'learner-lesson.png'), fullPage: true });

    // Keyboard only: the button is reachable and works with Enter.
    await page.getByRole('button', { name: '标记为已学' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '开学第一周' }).waitFor();
    expect(await page.locator('progress').getAttribute('value')).toBe('50');

    await page.getByRole('link', { name: '返回模块' }).click();
    await page.getByText('已学 1 / 2 课节').waitFor();
    expect(await page.locator('.lesson-list .status.done').count()).toBe(1);
    await page.getByRole('link', { name: '继续学习' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'learner-module-progress.png'), fullPage: true });

    await page.getByRole('link', { name: '我的进度' }).click();
    await page.getByRole('cell', { name: /50%/ }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'learner-progress.png'), fullPage: true });
    await context.close();
  });
});
