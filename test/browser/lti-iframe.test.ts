import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { createConsumer } from '../../src/lti/v11';
import { ARTIFACTS_DIR, launchChromium, serve } from '../support/browser';
import { CoursesFixture } from '../support/course-fixtures';
import { useTestDatabase } from '../support/database';
import { testApp, testSecrets } from '../support/web';
import { launchParams, signLaunch } from '../lti/v11/sign';

useTestDatabase();

const MODULE = 'homeroom-new-iframe-browser';
const KEY = 'iframe-moodle';
const SECRET = 'a-secret-of-the-iframe-moodle-0001';

/**
 * A school LMS on another site (127.0.0.1) whose course page frames Shixun (localhost) and
 * auto-posts a signed LTI 1.1 launch into the frame, as Moodle does for "display in iframe".
 */
function startLms(toolUrl: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== '/course') {
      res.writeHead(404).end();
      return;
    }
    const fields = signLaunch({
      url: `${toolUrl}/lti/launch`,
      key: KEY,
      secret: SECRET,
      params: launchParams({ user_id: 'iframe-teacher', custom_module: MODULE }),
      timestamp: Math.floor(Date.now() / 1000),
    });
    const inputs = Object.entries(fields)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(String(value))}">`)
      .join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>新华路小学 Moodle · 新任班主任培训</title>
<style>body{font-family:sans-serif;margin:0;background:#eef1f5}header{background:#f98012;color:#fff;padding:12px 20px;font-size:18px}iframe{display:block;margin:16px auto;width:92%;height:760px;border:1px solid #ccc;background:#fff}</style></head>
<body><header>Moodle · 新任班主任培训 › 班主任工作职责</header>
<form id="launch" method="post" action="${toolUrl}/lti/launch" target="tool">${inputs}</form>
<iframe name="tool" title="师训"></iframe>
<script>document.getElementById('launch').submit();</script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Third-party cookies off, as in a browser with tracking protection, through the DevTools cookie controls. */
async function blockThirdPartyCookies(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });
}

describe('Shixun inside an LMS iframe with third-party cookies blocked', () => {
  let browser: Browser;
  let tool: { url: string; close: () => Promise<void> };
  let lms: { origin: string; server: Server };

  beforeAll(async () => {
    const fixture = new CoursesFixture().module(MODULE, {
      lessons: [
        { file: 'lessons/01-duty.md', id: 'duty', title: '班主任的职责', body: '## 职责\n\n班主任是班级工作的组织者、学生成长的引路人。' },
        { file: 'lessons/02-week.md', id: 'week', title: '开学第一周', body: '## 案例\n\n第一周先认识每一名学生。' },
      ],
    });
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    tool = await serve(testApp({ devLoginEnabled: false }));
    lms = await startLms(tool.url);
    await createConsumer(testSecrets().secretBox, { key: KEY, secret: SECRET, name: '新华路小学 Moodle', allowedOrigins: [lms.origin] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await tool?.close();
    await new Promise((resolve) => lms?.server.close(resolve));
  });

  test('the teacher launches, studies a lesson inside the frame on the session token alone, and can open a new window', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await blockThirdPartyCookies(context, page);
    const cookieHeaders: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(tool.url)) void request.allHeaders().then((headers) => headers.cookie && cookieHeaders.push(headers.cookie));
    });

    // Keyboard, as many teachers do; it also spares Playwright's hit-testing across the out-of-process frame.
    await page.goto(`${lms.origin}/course`);
    const frame = (await (await page.waitForSelector('iframe[name="tool"]')).contentFrame())!;
    await frame.waitForURL(new RegExp(`/modules/${MODULE}\\?lt=`));
    await frame.getByText('已学 0 / 2 课节').waitFor();

    // The browser refuses the tool's cookies in this frame: a SameSite=None; Secure probe does not stick.
    expect(await probeCookie(frame)).toBe('');
    expect((await context.cookies()).filter((cookie) => tool.url.includes(cookie.domain))).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti-iframe-module.png') });

    await frame.getByRole('link', { name: '开始学习' }).press('Enter');
    await frame.getByRole('heading', { name: '班主任的职责' }).waitFor();
    await frame.getByRole('button', { name: '标记为已学' }).press('Enter');
    await frame.getByRole('heading', { name: '开学第一周' }).waitFor();
    expect(frame.url()).toContain('lt=');
    await frame.getByRole('link', { name: '返回模块' }).press('Enter');
    await frame.getByText('已学 1 / 2 课节').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti-iframe-lesson-studied.png') });

    expect(cookieHeaders).toEqual([]);
    expect(await context.cookies()).toEqual([]);

    const [popup] = await Promise.all([context.waitForEvent('page'), frame.getByRole('link', { name: '在新窗口中打开' }).press('Enter')]);
    await popup.waitForURL(`${tool.url}/modules/${MODULE}`);
    await popup.getByText('已学 1 / 2 课节').waitFor();
    await popup.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti-iframe-new-window.png') });
    await context.close();
  });
});

async function probeCookie(frame: Frame): Promise<string> {
  return frame.evaluate(() => {
    document.cookie = 'probe=1; SameSite=None; Secure; path=/';
    return document.cookie;
  });
}
