import path from 'node:path';
import type { Browser } from 'playwright-core';
import { appendEntry } from '../../src/ledger';
import { setTeacherFacts, upsertSchool, upsertUserFromIdentity } from '../../src/users';
import { ARTIFACTS_DIR, launchChromium, serve } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

describe('a registrar in a browser', () => {
  let served: Awaited<ReturnType<typeof serve>>;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    await upsertSchool({ code: 'browser-east', name: '东湖实验小学' });
    const names = ['陈晓', '林舟', '何静'];
    for (const [index, name] of names.entries()) {
      const teacher = await upsertUserFromIdentity({ provider: 'dev', subject: `browser-east:${name}:learner`, displayName: name, schoolCode: 'browser-east', roles: ['learner'] });
      await setTeacherFacts(teacher._id, { homeroomTier: index === 0 ? 'new' : 'inservice' });
      for (const [n, category] of (['homeroom-inservice', 'school-based', 'safety'] as const).entries()) {
        await appendEntry({
          teacher: { id: teacher._id, displayName: name, schoolCode: 'browser-east' },
          source: { kind: 'offline', activityId: `browser-${index}-${n}` },
          category,
          ...(category === 'school-based' ? { trainingMode: 'classroom-observation' as const } : {}),
          hours: 4 + index * 4 + n,
          trainingYear: new Date().getFullYear(),
          occurredAt: new Date(Date.now() - 24 * 3600_000),
          creditRule: 'offline-activity-approved',
          recordedBy: { kind: 'system', name: '导入' },
          idempotencyKey: `browser-${index}-${n}`,
        });
      }
    }
    served = await serve(testApp());
    url = served.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('finds who is short, opens a teacher and reverses an entry with a reason', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${url}/dev/login`);
    await page.getByLabel('姓名').fill('东湖管理员');
    await page.getByLabel('学校', { exact: true }).selectOption('browser-east');
    await page.getByLabel('学时管理员（所选学校）').check();
    await page.getByRole('button', { name: '登录' }).click();

    await page.getByRole('link', { name: '学时管理' }).click();
    await page.getByRole('link', { name: '东湖实验小学' }).click();
    await page.getByRole('heading', { name: '各类别学时' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'registrar-school.png'), fullPage: true });

    await page.getByRole('combobox', { name: '达标情况' }).selectOption('short');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByRole('link', { name: '陈晓' }).click();
    await page.getByRole('heading', { name: '陈晓' }).waitFor();

    await page.getByText('冲销').first().click();
    await page.getByLabel('原因').first().fill('重复登记');
    await page.getByRole('button', { name: '确认冲销' }).first().click();
    await page.getByText('原因：重复登记').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'registrar-teacher.png'), fullPage: true });
    await context.close();
  });
});
