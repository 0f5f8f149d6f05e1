import path from 'node:path';
import express, { type Express } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_CERTIFICATE_SETTINGS, listCertificatesOfUser, registerCertificateListener, seedDefaultProgrammes } from '../../src/certificates';
import { registerLedgerListener } from '../../src/ledger';
import { UserModel } from '../../src/users';
import { ARTIFACTS_DIR, launchChromium, seriousAxeViolations, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';
import { completeModule, person, publishCertificateCourses } from './fixtures';

useTestDatabase();

async function signIn(context: BrowserContext, url: string, name: string, role: '学员（教师）' | '学时管理员（所选学校）'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/dev/login`);
  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('学校', { exact: true }).selectOption('S001');
  await page.getByLabel(role).check();
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/catalog$/);
  return page;
}

describe('a certificate in a browser', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  const offs: (() => void)[] = [];

  beforeAll(async () => {
    await publishCertificateCourses();
    offs.push(registerLedgerListener(), registerCertificateListener(DEFAULT_CERTIFICATE_SETTINGS));
    // The app's public URL is only known once it listens: verification links must point at it.
    const app: Express[] = [];
    const front = express();
    front.use((req, res, next) => app[0]!(req, res, next));
    served = await serve(front);
    app.push(testApp({ baseUrl: served.url }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const off of offs) off();
    await browser?.close();
    await served?.close();
  });

  it('is issued on completion, verified by anyone, and shows as revoked once a registrar revokes it', async () => {
    const learner = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await signIn(learner, served.url, '李晓雯', '学员（教师）');
    const teacher = await UserModel.findOne({ displayName: '李晓雯' }).lean();
    await completeModule(teacher!._id, 'cert-a', new Date(Date.now() - 3600_000));

    await page.getByRole('link', { name: '我的证书' }).click();
    await page.getByRole('heading', { name: '测试模块 cert-a' }).waitFor();
    await page.getByRole('button', { name: '复制链接' }).click();
    const link = await page.getByLabel('核验链接').inputValue();
    expect(link).toMatch(new RegExp(`^${served.url}/verify/[A-Za-z0-9_-]{24}$`));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-mine.png'), fullPage: true });

    // A hiring school, with no account, follows the link.
    const visitor = await browser.newContext({ viewport: { width: 900, height: 800 }, locale: 'zh-CN' });
    const check = await visitor.newPage();
    await check.goto(link);
    await check.getByText('这张证书真实有效。').waitFor();
    expect(await check.getByText('李晓雯').count()).toBeGreaterThan(0);
    expect(await seriousAxeViolations(check)).toEqual([]);
    await check.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-verify-valid.png'), fullPage: true });

    const staff = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'zh-CN' });
    const registrar = await signIn(staff, served.url, '新华路教务', '学时管理员（所选学校）');
    await registrar.getByRole('link', { name: '学时管理' }).click();
    await registrar.getByRole('link', { name: '证书', exact: true }).click();
    await registrar.getByLabel('姓名或证书编号').fill('李晓雯');
    await registrar.getByRole('button', { name: '查找' }).click();
    await registrar.getByText('撤销…').click();
    await registrar.getByLabel('撤销原因').selectOption('data-correction');
    await registrar.getByLabel('说明（可选）').fill('姓名有误，核对后重发');
    await registrar.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-registrar-revoke-form.png'), fullPage: true });
    await registrar.getByRole('button', { name: '确认撤销' }).click();
    await registrar.getByRole('cell', { name: /已撤销.*信息更正/ }).waitFor();
    expect(await seriousAxeViolations(registrar)).toEqual([]);
    await registrar.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-registrar.png'), fullPage: true });

    await check.reload();
    await check.getByText('这张证书已被发证机构撤销，不再有效。').waitFor();
    await check.getByText(/原因：信息更正/).waitFor();
    await check.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-verify-revoked.png'), fullPage: true });
    await Promise.all([learner.close(), visitor.close(), staff.close()]);
  });

  it('lets a trainer see and edit the seeded new-homeroom programme', async () => {
    await seedDefaultProgrammes();
    const learner = await person('赵老师');
    await completeModule(learner._id, 'cert-a', new Date(Date.now() - 3600_000));
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${served.url}/dev/login`);
    await page.getByLabel('姓名').fill('培训中心');
    await page.getByLabel('培训者').check();
    await page.getByRole('button', { name: '登录' }).click();
    await page.goto(`${served.url}/trainer`);
    await page.getByRole('link', { name: '培训项目' }).click();
    await page.getByRole('link', { name: '编辑' }).click();
    await expect(page.getByLabel('名称（中文）').inputValue()).resolves.toBe('新任班主任上岗培训');
    await page.getByLabel(/测试模块 cert-b/).uncheck();
    await page.getByRole('button', { name: '保存项目' }).click();
    await page.getByText('已保存。').waitFor();
    expect(await page.getByLabel(/测试模块 cert-b/).isChecked()).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'certificates-programmes.png'), fullPage: true });
    // The learner holds cert-a, now the whole programme: the programme certificate is issued on saving.
    expect((await listCertificatesOfUser(learner._id)).map((c) => c.kind).sort()).toEqual(['module', 'programme']);
    await context.close();
  });
});
