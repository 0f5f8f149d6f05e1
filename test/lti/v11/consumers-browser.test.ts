import path from 'node:path';
import type { Browser } from 'playwright-core';
import { findConsumer } from '../../../src/lti/v11';
import { ARTIFACTS_DIR, launchChromium, seriousAxeViolations, serve } from '../../support/browser';
import { useTestDatabase } from '../../support/database';
import { testApp } from '../../support/web';

useTestDatabase();

describe('an admin registering an LTI 1.1 consumer in a browser', () => {
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

  it('creates a consumer with the keyboard, copies the secret shown once, and disables it', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${served.url}/dev/login`);
    await page.getByLabel('姓名').fill('区教研室管理员');
    await page.locator('input[name="role"][value="admin"]').check();
    await page.getByLabel('姓名').press('Enter');
    await page.waitForURL(/\/catalog$/);

    await page.goto(`${served.url}/admin/lti/consumers`);
    await page.getByRole('heading', { name: 'LTI 1.1 使用者' }).waitFor();
    expect(await page.getByText('尚未登记任何 LTI 1.1 使用者').isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByLabel('名称').fill('新华路小学 Moodle');
    await page.getByLabel('使用者密钥').fill('bad key');
    await page.getByLabel('允许的来源').fill('https://moodle.xinhua.example.cn');
    // The browser already refuses a key with a space, before anything is sent.
    expect(await page.getByLabel('使用者密钥').evaluate((input: HTMLInputElement) => input.validity.valid)).toBe(false);

    await page.getByLabel('使用者密钥').fill('xinhua-moodle');
    await page.getByRole('button', { name: '创建使用者' }).press('Enter');
    await page.getByRole('heading', { name: '已创建使用者“新华路小学 Moodle”' }).waitFor();
    const secret = (await page.locator('#consumer-secret').textContent())?.trim();
    expect(secret).toMatch(/^[\w-]{32}$/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti11-consumer-created.png'), fullPage: true });

    await page.getByRole('link', { name: '全部 LTI 1.1 使用者' }).click();
    await page.getByRole('cell', { name: 'xinhua-moodle' }).waitFor();
    expect(await page.content()).not.toContain(secret!);

    // The same key again: the server says why, and keeps what was typed.
    await page.getByLabel('名称').fill('另一个 Moodle');
    await page.getByLabel('使用者密钥').fill('xinhua-moodle');
    await page.getByRole('button', { name: '创建使用者' }).press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('使用者密钥 xinhua-moodle 已存在');
    expect(await page.getByLabel('名称').inputValue()).toBe('另一个 Moodle');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti11-consumers-duplicate.png'), fullPage: true });

    await page.getByRole('button', { name: '停用 新华路小学 Moodle' }).press('Enter');
    await page.getByRole('button', { name: '启用 新华路小学 Moodle' }).waitFor();
    expect((await findConsumer('xinhua-moodle'))?.disabledAt).toBeInstanceOf(Date);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti11-consumers.png'), fullPage: true });
    await context.close();
  });
});
