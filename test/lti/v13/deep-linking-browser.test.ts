import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { loadCatalog, syncCatalog } from '../../../src/courses';
import { addPlatform } from '../../../src/lti/v13';
import { ARTIFACTS_DIR, launchChromium } from '../../support/browser';
import { useTestDatabase } from '../../support/database';
import { LTI, ROLE, startTestPlatform, type TestPlatform } from '../../support/lti-platform';
import { quizCourses } from '../../support/quiz-fixtures';
import { testApp } from '../../support/web';

useTestDatabase();

/**
 * The whole LTI 1.3 deep-linking round trip in Chromium: the LMS course page (127.0.0.1) frames
 * Shixun (localhost), the OIDC login runs inside the frame with third-party cookies blocked, the
 * trainer picks modules with the keyboard, and the signed answer is posted back to the LMS.
 */
describe('LTI 1.3 deep linking in an LMS iframe', () => {
  let browser: Browser;
  let server: Server;
  let toolUrl: string;
  let platform: TestPlatform;

  beforeAll(async () => {
    const fixture = quizCourses('graded-browser').module('plain-browser');
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    // The tool must know its own public URL (target_link_uri, redirect_uri) before it serves.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    toolUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
    const app = testApp({ baseUrl: toolUrl, devLoginEnabled: false });
    server.on('request', app);
    platform = await startTestPlatform();
    platform.setTool({ baseUrl: toolUrl, jwks: async () => (await fetch(`${toolUrl}/lti/jwks`)).json() });
    await addPlatform(platform.registration, 'admin');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('a trainer places two modules and the LMS receives the signed response', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCookieControls', { enableThirdPartyCookieRestriction: true });

    await page.goto(platform.coursePageUrl({ sub: 'trainer-browser', roles: [ROLE.instructor], name: '周老师', deepLinking: { data: 'browser-data' } }));
    const frame = (await (await page.waitForSelector('iframe#tool')).contentFrame())!;
    try {
      await frame.getByRole('heading', { name: '为课程选择培训模块' }).waitFor();
    } catch (error) {
      // Once seen in CI and never reproduced: keep what the frame showed instead of only a timeout.
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti13-deep-linking-picker-failed.png') });
      const shown = await frame.locator('body').innerText().catch(() => '(no body)');
      throw new Error(`${(error as Error).message}\nframe at ${frame.url()} shows:\n${shown.slice(0, 1500)}`);
    }
    expect(frame.url()).toMatch(new RegExp(`^${toolUrl}/lti/deep-linking\\?lt=`));
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti13-deep-linking-picker.png') });

    // The picker itself (the frame's <main>); the layout around it is checked by the learner-flow tests.
    const axe = await new AxeBuilder({ page }).include(['iframe#tool', 'body']).analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);

    await frame.getByRole('checkbox', { name: '测试模块 graded-browser' }).press('Space');
    await frame.getByRole('checkbox', { name: '测试模块 plain-browser' }).press('Space');
    await frame.getByRole('button', { name: '添加到课程' }).press('Enter');

    // The answer page posts itself to the LMS (CSP form-action allows that origin for this page only).
    await frame.waitForURL(`${platform.issuer}/deep-linking/return`);
    await frame.locator('#received').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti13-deep-linking-returned.png') });

    const received = platform.deepLinkingResponses.at(-1)!;
    expect(received.payload['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBe('browser-data');
    expect(received.payload[`${LTI}deployment_id`]).toBe(platform.deploymentId);
    expect((received.payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Array<{ custom: { module: string } }>).map((item) => item.custom.module)).toEqual([
      'graded-browser',
      'plain-browser',
    ]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  test('the trainer opens the course roster inside the frame', async () => {
    platform.setMembers([
      { user_id: 'trainer-browser', roles: [ROLE.instructor], name: '周老师', status: 'Active' },
      { user_id: 'learner-browser-1', roles: [ROLE.learner], name: '吴老师', email: 'wu@school.cn', status: 'Active' },
      { user_id: 'learner-browser-2', roles: [ROLE.learner], name: '郑老师', status: 'Inactive' },
    ]);
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(platform.coursePageUrl({ sub: 'trainer-browser', roles: [ROLE.instructor], name: '周老师', module: 'plain-browser', resourceLinkId: 'link-browser' }));
    const frame = (await (await page.waitForSelector('iframe#tool')).contentFrame())!;
    await frame.waitForURL(/\/modules\/plain-browser\?lt=/);
    const token = new URL(frame.url()).searchParams.get('lt')!;
    await frame.goto(`${toolUrl}/lti/roster?lt=${encodeURIComponent(token)}`);
    await frame.getByRole('heading', { name: '课程名单' }).waitFor();
    await frame.getByRole('rowheader', { name: /吴老师/ }).waitFor();
    const axe = await new AxeBuilder({ page }).include(['iframe#tool', 'body']).analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'lti13-roster.png') });
    await context.close();
  });
});
