import type { Agent } from 'supertest';
import { LedgerEntryModel } from '../../src/ledger';
import { upsertSchool, upsertUserFromIdentity, type User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp } from '../support/web';

useTestDatabase();

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

describe('offline activities over HTTP', () => {
  let app: ReturnType<typeof testApp>;
  let teacher: User;
  let recorder: Agent;
  let approver: Agent;
  let foreign: Agent;
  let learner: Agent;

  beforeAll(async () => {
    app = testApp();
    await upsertSchool({ code: 'act-south', name: '南山小学' });
    await upsertSchool({ code: 'act-north', name: '北岭中学' });
    teacher = await upsertUserFromIdentity({ provider: 'dev', subject: 'act-south:冯老师:learner', displayName: '冯老师', schoolCode: 'act-south', roles: ['learner'] });
    recorder = await signIn(app, '教研组长', 'act-south', 'registrar');
    approver = await signIn(app, '教务主任', 'act-south', 'registrar');
    foreign = await signIn(app, '北岭管理员', 'act-north', 'registrar');
    learner = await signIn(app, '冯老师', 'act-south');
  });

  async function record(fields: Record<string, string>, files: { name: string; content: Buffer }[] = []) {
    const form = await recorder.get('/registrar/activities/new').expect(200);
    let call = recorder.post('/registrar/activities').field('_csrf', csrfTokenIn(form.text));
    for (const [name, value] of Object.entries(fields)) call = call.field(name, value);
    for (const file of files) call = call.attach('evidence', file.content, file.name);
    return call;
  }

  it('records an activity with evidence, credits nothing until a second registrar approves', async () => {
    const form = await recorder.get('/registrar/activities/new').expect(200);
    expect(form.text).toContain('冯老师');
    expect(form.text).toContain('课题研究');
    const created = await record(
      { title: '校级公开课观摩', trainingMode: 'classroom-observation', hours: '2', occurredAt: '2026-10-20', teacherIds: teacher._id.toString() },
      [{ name: '签到表.pdf', content: PDF }],
    );
    expect(created.status).toBe(303);
    const url = created.headers.location!;
    const page = await recorder.get(url).expect(200);
    expect(page.text).toContain('待审核');
    expect(await LedgerEntryModel.countDocuments({ teacher: teacher._id })).toBe(0);

    // The evidence is a download the browser will not sniff or render inline.
    const evidenceUrl = /href="(\/registrar\/evidence\/[^"]+)"/.exec(page.text)![1]!;
    await recorder.get(evidenceUrl).expect(200).expect('Content-Type', 'application/pdf').expect('X-Content-Type-Options', 'nosniff').expect('Content-Disposition', /attachment/);
    await foreign.get(evidenceUrl).expect(403);
    await learner.get(evidenceUrl).expect(403);

    // Nobody approves what they recorded themselves.
    await recorder.post(`${url}/approve`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(403);
    await foreign.get(url).expect(403);
    const approverPage = await approver.get(url).expect(200);
    await approver.post(`${url}/approve`).type('form').send({ _csrf: csrfTokenIn(approverPage.text) }).expect(303);
    await approver.post(`${url}/approve`).type('form').send({ _csrf: csrfTokenIn(approverPage.text) }).expect(303);
    expect(await LedgerEntryModel.find({ teacher: teacher._id }).lean()).toEqual([
      expect.objectContaining({ hours: 2, category: 'school-based', trainingMode: 'classroom-observation', creditRule: 'offline-activity-approved' }),
    ]);
    expect((await approver.get(url).expect(200)).text).toContain('审核通过');
    // The teacher's ledger leads back to the activity and its evidence.
    const ledgerPage = await approver.get(`/registrar/teachers/${teacher._id.toString()}`).expect(200);
    expect(ledgerPage.text).toContain(`href="${url}"`);
  });

  it('rejects disguised files, bad fields and rejections without a reason', async () => {
    const svg = await record({ title: '讲座', trainingMode: 'thematic-lecture', hours: '1', occurredAt: '2026-10-01', teacherIds: teacher._id.toString() }, [{ name: 'slides.pdf', content: SVG }]);
    expect(svg.status).toBe(400);
    const bad = await record({ title: '', trainingMode: 'karaoke', hours: '-3', occurredAt: '2999-01-01', teacherIds: teacher._id.toString() });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/title|活动/);
    const created = await record({ title: '沙龙研讨', trainingMode: 'salon', hours: '1.5', occurredAt: '2026-10-02', teacherIds: teacher._id.toString() });
    expect(created.status).toBe(303);
    const page = await approver.get(created.headers.location!).expect(200);
    await approver.post(`${created.headers.location!}/reject`).type('form').send({ _csrf: csrfTokenIn(page.text), reason: '' }).expect(400);
    await approver.post(`${created.headers.location!}/reject`).type('form').send({ _csrf: csrfTokenIn(page.text), reason: '缺少签到记录' }).expect(303);
    expect((await approver.get(created.headers.location!).expect(200)).text).toContain('缺少签到记录');
  });

  it('imports a file only after a clean dry run, and never twice', async () => {
    const page = await recorder.get('/registrar/activities/import').expect(200);
    const bad = `\uFEFF学校,姓名,活动名称,培训形式,学时,日期\nact-south,冯老师,读书沙龙,沙龙研讨,2,2026-09-10\nact-south,不存在的老师,讲座,专题讲座,1,2026-09-11\nact-south,冯老师,讲座,不知道,abc,2026-02-30\n`;
    const dryRun = await recorder.post('/registrar/activities/import').field('_csrf', csrfTokenIn(page.text)).attach('file', Buffer.from(bad), 'hours.csv').expect(422);
    expect(dryRun.text).toContain('没有写入任何数据');
    expect(dryRun.text).toMatch(/<td class="num">3<\/td>/);
    expect(dryRun.text).toMatch(/<td class="num">4<\/td>/);
    expect(dryRun.text).not.toContain('确认导入');
    const before = await LedgerEntryModel.countDocuments({ teacher: teacher._id });

    const good = `学校,姓名,活动名称,培训形式,学时,日期\nact-south,冯老师,读书沙龙,沙龙研讨,2,2026-09-10\n`;
    const clean = await recorder.post('/registrar/activities/import').field('_csrf', csrfTokenIn(page.text)).attach('file', Buffer.from(good), 'hours.csv').expect(200);
    const checksum = /name="checksum" value="([0-9a-f]{64})"/.exec(clean.text)![1]!;
    expect(await LedgerEntryModel.countDocuments({ teacher: teacher._id })).toBe(before);
    const committed = await recorder.post('/registrar/activities/import/commit').type('form').send({ _csrf: csrfTokenIn(clean.text), checksum }).expect(200);
    expect(committed.text).toContain('记入 1 条学时');
    await recorder.post('/registrar/activities/import/commit').type('form').send({ _csrf: csrfTokenIn(clean.text), checksum }).expect(200);
    expect(await LedgerEntryModel.countDocuments({ teacher: teacher._id })).toBe(before + 1);
    await recorder.post('/registrar/activities/import/commit').type('form').send({ _csrf: csrfTokenIn(clean.text), checksum: 'f'.repeat(64) }).expect(400);
  });

  it('keeps learners and trainers out', async () => {
    await learner.get('/registrar/activities').expect(403);
    await learner.get('/registrar/activities/new').expect(403);
    const page = await learner.get('/catalog').expect(200);
    await learner.post('/registrar/activities').type('form').send({ _csrf: csrfTokenIn(page.text), title: 'x' }).expect(403);
    const trainer = await signIn(app, '培训者乙', '', 'trainer');
    await trainer.get('/registrar/activities/import').expect(403);
  });
});
