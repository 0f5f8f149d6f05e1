import path from 'node:path';
import type { Browser } from 'playwright-core';
import { addStaffAccount } from '../../src/auth';
import { recordLtiEvent } from '../../src/lti';
import { ARTIFACTS_DIR, launchChromium, seriousAxeViolations, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

describe('a district admin in a browser', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;

  beforeAll(async () => {
    await addStaffAccount({ username: 'qu-admin', displayName: '区教研室管理员', role: 'admin', password: 'a long admin password' });
    await recordLtiEvent({
      kind: 'launch',
      version: '1.1',
      outcome: 'refused',
      reason: 'bad-signature',
      source: 'moodle-xhl',
      details: {
        messageType: 'basic-lti-launch-request',
        url: 'https://shixun.example.cn/lti/launch',
        timestampSkewSeconds: -3,
        baseString: 'POST&https%3A%2F%2Fshixun.example.cn%2Flti%2Flaunch&context_id%3D2%26custom_module%3Dsafety-fire%26lti_message_type%3Dbasic-lti-launch-request%26lti_version%3DLTI-1p0%26oauth_consumer_key%3Dmoodle-xhl%26oauth_nonce%3D8f2c%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1790000000%26oauth_version%3D1.0%26resource_link_id%3D7%26user_id%3D42',
      },
    });
    await recordLtiEvent({
      kind: 'launch',
      version: '1.3',
      outcome: 'refused',
      reason: 'expired',
      source: 'https://canvas.example.cn|10000000000001',
      details: { header: { alg: 'RS256', kid: 'k1' }, claims: { iss: 'https://canvas.example.cn', aud: '10000000000001', sub: 'u-9', exp: 1790000000, iat: 1789999700 }, clockSkewSeconds: -412 },
    });
    await recordLtiEvent({ kind: 'launch', version: '1.3', outcome: 'accepted', source: 'https://canvas.example.cn|10000000000001' });
    served = await serve(testApp({ devLoginEnabled: false }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('signs in with the keyboard, finds the LMS URLs and reads why a launch was refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${served.url}/catalog`);
    await page.getByRole('link', { name: '工作人员登录' }).click();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'staff-login.png'), fullPage: true });

    await page.getByLabel('用户名').fill('qu-admin');
    await page.getByLabel('密码').fill('wrong password');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('用户名').inputValue()).toBe('qu-admin');
    // After a failure the cursor is back in the password field, ready to retype.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'staff-login-failed.png'), fullPage: true });
    await page.keyboard.type('a long admin password');
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'LTI 连接' }).waitFor();
    expect(page.url()).toBe(`${served.url}/admin/lti`);
    expect(await page.locator('#url-launch').textContent()).toBe('http://shixun.test/lti/launch');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti-admin-hub.png'), fullPage: true });

    await page.getByRole('link', { name: '诊断', exact: true }).click();
    await page.getByRole('heading', { name: 'LTI 诊断' }).waitFor();
    await page.getByLabel('结果').selectOption('refused');
    await page.getByRole('button', { name: '显示' }).click();
    await page.waitForURL(/outcome=refused/);
    expect(await page.locator('.lti-event').count()).toBe(2);
    const first = page.locator('details summary').first();
    await first.focus();
    await page.keyboard.press('Enter');
    // Newest first: the 1.3 refusal, then the 1.1 one.
    await page.getByText('时钟偏差', { exact: false }).waitFor();
    await page.locator('details summary').nth(1).click();
    await page.getByText('OAuth 1.0 签名基础字符串', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti-diagnostics.png'), fullPage: true });
    await context.close();
  });
});
