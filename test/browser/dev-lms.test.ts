import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunningServer } from '../../src/server';
import { ARTIFACTS_DIR, launchChromium, startFullServer, seriousAxeViolations } from '../support/browser';
import { CoursesFixture } from '../support/course-fixtures';

/**
 * The README's first steps: `npm start`, then the pretend LMS frames a real LTI 1.1 launch, and
 * the teacher studies inside the frame.
 */
describe('the pretend LMS in a browser', () => {
  let running: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const courses = new CoursesFixture().module('homeroom-new-devlms-browser', {
      lessons: [{ file: 'lessons/01-role.md', id: 'role', title: '班主任是谁', body: '## 角色\n\n班主任是班级工作的组织者。' }],
    });
    running = await startFullServer(courses, 'test_browser_dev_lms');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('launches a teacher into the chosen module inside a frame, where they study a lesson', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${running.url}/dev/lms`);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('姓名').fill('赵老师');
    await page.getByLabel('链接到的模块').selectOption('homeroom-new-devlms-browser');
    await page.getByRole('button', { name: '从平台进入师训' }).press('Enter');

    const tool = page.frameLocator('iframe[name="shixun-tool"]');
    await tool.getByRole('heading', { name: '测试模块 homeroom-new-devlms-browser' }).waitFor();
    await tool.getByRole('link', { name: '开始学习' }).click();
    await tool.getByRole('heading', { name: '班主任是谁' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'dev-lms-lesson.png'), fullPage: true });
  });
});
