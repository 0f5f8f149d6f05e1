import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { getDraft } from '../../src/authoring';
import { writeBundleZip, type CourseBundle } from '../../src/authoring/interchange';
import { ARTIFACTS_DIR, launchChromium, seriousAxeViolations, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

const MODULE = 'safety-stair-basics';

const bundle: CourseBundle = {
  modules: [
    {
      manifest: {
        id: MODULE,
        version: 1,
        title: { 'zh-CN': '楼梯间安全' },
        track: 'safety',
        category: 'safety',
        creditHours: 1,
        lessons: ['lessons/01-keep-right.md'],
        completion: {},
        assessment: { passMark: 80, cooldownMinutes: 0, countedAttempt: 'highest', review: 'after-each-attempt', shuffleItems: true, shuffleOptions: true, pools: [{ bank: MODULE, draw: 1 }] },
      },
      lessons: [{ path: 'lessons/01-keep-right.md', id: 'keep-right', title: '靠右行走', minutes: 4, markdown: '## 靠右行走\n\n上下楼梯靠右行，不推挤。' }],
    },
  ],
  banks: [
    {
      id: MODULE,
      version: 1,
      track: 'safety',
      title: { 'zh-CN': '楼梯间安全' },
      items: [{ id: 'stair-001', type: 'true-false', stem: '课间可以在楼梯上追逐打闹。', difficulty: 'easy', tags: ['rules'], points: 1, answer: false, feedback: '楼梯间人多拥挤，追逐打闹容易引发踩踏。' }],
    },
  ],
};

describe('the file round trip in a browser', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;

  beforeAll(async () => {
    served = await serve(testApp());
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('a trainer imports a zip after its dry run, then imports GIFT questions; the pages pass axe', async () => {
    const zipFile = path.join(tmpdir(), `${MODULE}.zip`);
    writeFileSync(zipFile, writeBundleZip(bundle));
    const giftFile = path.join(__dirname, 'interchange-corpus', 'moodle.gift.txt');

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${served.url}/dev/login`);
    await page.getByLabel('姓名').fill('王培训');
    await page.getByLabel('培训者').check();
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/catalog$/);

    await page.goto(`${served.url}/authoring`);
    await page.getByRole('link', { name: '导入课程包（.zip）' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByLabel('zip 文件').setInputFiles(zipFile);
    await page.getByRole('button', { name: '检查（不写入）' }).click();
    await page.getByRole('heading', { name: `检查结果：${MODULE}.zip` }).waitFor();
    expect(await page.getByRole('row', { name: new RegExp(MODULE) }).textContent()).toContain('新建草稿');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'interchange-zip-dry-run.png'), fullPage: true });
    await page.getByRole('button', { name: '确认导入 1 个模块' }).click();
    await page.getByRole('heading', { name: '导入完成' }).waitFor();
    await page.getByRole('link', { name: MODULE }).click();

    await page.getByRole('link', { name: '导入题目（GIFT / Aiken）' }).click();
    await page.getByLabel('粘贴题目').fill(readFileSync(giftFile, 'utf8'));
    await page.getByRole('button', { name: '预览转换结果' }).click();
    await page.getByRole('heading', { name: '转换预览' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('共找到 13 道题，可以转换 7 道');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'interchange-gift-preview.png'), fullPage: true });
    await page.getByRole('button', { name: '添加这 7 道题到题库' }).click();
    await page.waitForURL(new RegExp(`/authoring/${MODULE}#questions$`));
    expect((await getDraft(MODULE))?.bank?.items).toHaveLength(8);
    await context.close();
  });
});
