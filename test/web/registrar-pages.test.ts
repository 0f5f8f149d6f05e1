import type { Agent } from 'supertest';
import request from 'supertest';
import { appendEntry, LedgerEntryModel } from '../../src/ledger';
import { setTeacherFacts, upsertSchool, upsertUserFromIdentity, type User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp, TestClock } from '../support/web';

useTestDatabase();

const clock = new TestClock(new Date('2026-11-23T08:00:00Z'));

async function teacher(name: string, school: string): Promise<User> {
  return upsertUserFromIdentity({ provider: 'dev', subject: `${school}:${name}:learner`, displayName: name, schoolCode: school, roles: ['learner'] });
}

async function credit(user: User, hours: number, category: 'homeroom-inservice' | 'school-based', key: string) {
  return appendEntry({
    teacher: { id: user._id, displayName: user.displayName, schoolCode: user.schoolCode },
    source: { kind: 'offline', activityId: key },
    category,
    ...(category === 'school-based' ? { trainingMode: 'thematic-lecture' as const } : {}),
    hours,
    trainingYear: 2026,
    occurredAt: new Date('2026-05-10T02:00:00Z'),
    creditRule: 'offline-activity-approved',
    recordedBy: { kind: 'user', id: 'seed', name: '种子数据' },
    idempotencyKey: key,
  });
}

describe('registrar pages', () => {
  let app: ReturnType<typeof testApp>;
  let inService: User;
  let newHomeroom: User;
  let otherSchool: User;
  let agents: Record<'learner' | 'trainer' | 'registrar' | 'foreignRegistrar' | 'admin', Agent>;

  beforeAll(async () => {
    app = testApp({ clock: clock.now });
    await upsertSchool({ code: 'reg-east', name: '东城小学' });
    await upsertSchool({ code: 'reg-west', name: '西城中学' });
    inService = await teacher('钱老师', 'reg-east');
    newHomeroom = await teacher('孙老师', 'reg-east');
    otherSchool = await teacher('周老师', 'reg-west');
    await setTeacherFacts(inService._id, { homeroomTier: 'inservice' });
    await setTeacherFacts(newHomeroom._id, { homeroomTier: 'new', postStartDate: new Date('2027-02-20T00:00:00+08:00') });
    await credit(inService, 12, 'homeroom-inservice', 'reg-1');
    await credit(inService, 4, 'school-based', 'reg-2');
    await credit(otherSchool, 20, 'homeroom-inservice', 'reg-3');
    agents = {
      learner: await signIn(app, '钱老师', 'reg-east'),
      trainer: await signIn(app, '培训者', '', 'trainer'),
      registrar: await signIn(app, '东城管理员', 'reg-east', 'registrar'),
      foreignRegistrar: await signIn(app, '西城管理员', 'reg-west', 'registrar'),
      admin: await signIn(app, '区管理员', '', 'admin'),
    };
  });

  const routes = () => [
    '/registrar',
    '/registrar/schools/reg-east',
    `/registrar/teachers/${inService._id.toString()}`,
    '/admin/ledger',
    '/admin/policies',
    '/registrar/exports',
    '/registrar/activities',
    '/my/hours',
  ];

  it('lets each role reach exactly the pages it should', async () => {
    const expected: Record<string, number[]> = {
      anonymous: [401, 401, 401, 401, 401, 401, 401, 401],
      learner: [403, 403, 403, 403, 403, 403, 403, 200],
      trainer: [403, 403, 403, 403, 403, 403, 403, 200],
      registrar: [200, 200, 200, 403, 403, 200, 200, 200],
      foreignRegistrar: [200, 403, 403, 403, 403, 200, 200, 200],
      admin: [200, 200, 200, 200, 200, 200, 200, 200],
    };
    for (const [role, statuses] of Object.entries(expected)) {
      const client = role === 'anonymous' ? request(app) : agents[role as keyof typeof agents];
      const got = [];
      for (const url of routes()) got.push((await client.get(url)).status);
      expect({ role, got }).toEqual({ role, got: statuses });
    }
  });

  it('shows a school dashboard with who is short, sorted and filterable', async () => {
    const page = await agents.registrar.get('/registrar/schools/reg-east?year=2026').expect(200);
    expect(page.text).toContain('东城小学');
    expect(page.text).toContain('各类别学时');
    expect(page.text).toContain('0 / 1 人已达标'); // the in-service requirement: 钱老师 has 12 of 20
    const rows = page.text.slice(page.text.indexOf('<tbody>'));
    // 孙老师 (new, 30 short) before 钱老师 (8 short on the annual requirement).
    expect(rows.indexOf('孙老师')).toBeLessThan(rows.indexOf('钱老师'));
    expect(page.text).toContain('还差 8 学时');
    expect(page.text).toContain('还差 30 学时');
    expect(page.text).not.toContain('周老师');

    const filtered = await agents.registrar.get('/registrar/schools/reg-east?status=short&requirement=homeroom-new-pre-service').expect(200);
    const filteredRows = filtered.text.slice(filtered.text.indexOf('<tbody>'));
    expect(filteredRows).toContain('孙老师');
    expect(filteredRows).not.toContain('钱老师');
    await agents.registrar.get('/registrar/schools/reg-east?year=abc').expect(400);
    await agents.registrar.get('/registrar/schools/no-such-school').expect(404);
  });

  it('drills down to a teacher, corrects an entry with a reversal and keeps the trail', async () => {
    const url = `/registrar/teachers/${inService._id.toString()}`;
    const page = await agents.registrar.get(url).expect(200);
    expect(page.text).toContain('钱老师');
    const entry = await LedgerEntryModel.findOne({ idempotencyKey: 'reg-2' }).lean();

    const noReason = await agents.registrar.post(`/registrar/entries/${entry!.entryId}/reverse`).type('form').send({ _csrf: csrfTokenIn(page.text), reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('冲销必须填写原因');

    await agents.foreignRegistrar.post(`/registrar/entries/${entry!.entryId}/reverse`).type('form').send({ _csrf: csrfTokenIn((await agents.foreignRegistrar.get('/registrar').expect(200)).text), reason: '越权' }).expect(403);

    await agents.registrar.post(`/registrar/entries/${entry!.entryId}/reverse`).type('form').send({ _csrf: csrfTokenIn(page.text), reason: '活动重复登记' }).expect(303).expect('Location', url);
    const after = await agents.registrar.get(url).expect(200);
    expect(after.text).toContain('活动重复登记');
    expect(after.text).toContain('-4');
    expect(await LedgerEntryModel.countDocuments({ teacher: inService._id })).toBe(3);
    expect(await LedgerEntryModel.findOne({ idempotencyKey: 'reg-2' }).lean()).toMatchObject({ hours: 4 });
  });

  it('records a teacher\'s homeroom tier and post start date, and rejects bad ones', async () => {
    const url = `/registrar/teachers/${otherSchool._id.toString()}`;
    const page = await agents.admin.get(url).expect(200);
    await agents.admin.post(`${url}/facts`).type('form').send({ _csrf: csrfTokenIn(page.text), homeroomTier: 'new', postStartDate: '2027-03-01' }).expect(303);
    const updated = await agents.admin.get(url).expect(200);
    expect(updated.text).toContain('value="2027-03-01"');
    expect(updated.text).toContain('新任班主任上岗前培训不少于 30 学时');
    await agents.admin.post(`${url}/facts`).type('form').send({ _csrf: csrfTokenIn(page.text), homeroomTier: 'captain', postStartDate: '' }).expect(400);
    await agents.admin.post(`${url}/facts`).type('form').send({ _csrf: csrfTokenIn(page.text), homeroomTier: '', postStartDate: '2027-13-45' }).expect(400);
  });

  it('shows teachers their own hours and nobody else\'s', async () => {
    const mine = await agents.learner.get('/my/hours').expect(200);
    expect(mine.text).toContain('在岗班主任每年专题培训不少于 20 学时');
    const own = await LedgerEntryModel.findOne({ idempotencyKey: 'reg-1' }).lean();
    const foreign = await LedgerEntryModel.findOne({ idempotencyKey: 'reg-3' }).lean();
    expect(mine.text).toContain(own!.entryId);
    expect(mine.text).not.toContain(foreign!.entryId);
    expect(mine.text).not.toContain('周老师');
    await request(app).get('/my/hours').expect(401);
  });

  it('exports a year in the background, shows progress and serves the file to its owner only', async () => {
    const form = await agents.registrar.get('/registrar/exports').expect(200);
    expect(form.text).toContain('东城小学');
    expect(form.text).not.toContain('西城中学');
    await agents.registrar.post('/registrar/exports').type('form').send({ _csrf: csrfTokenIn(form.text), year: '2026', school: 'reg-west', format: 'csv' }).expect(403);
    await agents.registrar.post('/registrar/exports').type('form').send({ _csrf: csrfTokenIn(form.text), year: 'next', format: 'csv' }).expect(400);
    const started = await agents.registrar.post('/registrar/exports').type('form').send({ _csrf: csrfTokenIn(form.text), year: '2026', format: 'xlsx' }).expect(303);
    const jobUrl = started.headers.location!;
    let status = { status: 'running' } as { status: string; percent?: number };
    for (let i = 0; i < 100 && status.status === 'running'; i++) {
      status = (await agents.registrar.get(jobUrl).set('Accept', 'application/json').expect(200)).body;
      if (status.status === 'running') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toMatchObject({ status: 'done', percent: 100 });
    const page = await agents.registrar.get(jobUrl).expect(200);
    expect(page.text).toContain(`${jobUrl}/download`);
    const file = await agents.registrar.get(`${jobUrl}/download`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200).expect('Content-Disposition', /attachment/);
    expect((file.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    await agents.foreignRegistrar.get(jobUrl).expect(404);
    await agents.foreignRegistrar.get(`${jobUrl}/download`).expect(404);
    await agents.learner.get('/registrar/exports').expect(403);
  });

  it('lets admins verify the ledger', async () => {
    const page = await agents.admin.get('/admin/ledger').expect(200);
    expect(page.text).toMatch(/条记录完整，未发现篡改/);
  });

  // Last: an override changes what every later page reports.
  it('lets admins override a requirement with a reason, audited, and everyone sees the new minimum', async () => {
    await agents.registrar.get('/admin/policies').expect(403);
    const page = await agents.admin.get('/admin/policies').expect(200);
    expect(page.text).toContain('在岗班主任每年专题培训不少于 20 学时');
    const change = (fields: Record<string, string>) =>
      agents.admin.post('/admin/policies').type('form').send({ _csrf: csrfTokenIn(page.text), requirementId: 'homeroom-inservice-annual', ...fields });
    await change({ minimumHours: '24', reason: '' }).expect(400);
    await change({ minimumHours: '-1', reason: '区里统一要求' }).expect(400);
    await agents.admin.post('/admin/policies').type('form').send({ _csrf: csrfTokenIn(page.text), requirementId: 'no-such', minimumHours: '5', reason: 'x' }).expect(400);
    await change({ minimumHours: '24', reason: '区教育局 2026 年要求提高到 24 学时' }).expect(303);

    const teacherPage = await agents.registrar.get(`/registrar/teachers/${inService._id.toString()}`).expect(200);
    expect(teacherPage.text).toContain('还差 12 学时（12 / 24）');
    const after = await agents.admin.get('/admin/policies').expect(200);
    expect(after.text).toContain('区教育局 2026 年要求提高到 24 学时');
    expect(after.text).toContain('配置文件中为 20');

    await change({ minimumHours: '', reason: '恢复省定标准' }).expect(303);
    expect((await agents.registrar.get(`/registrar/teachers/${inService._id.toString()}`).expect(200)).text).toContain('还差 8 学时（12 / 20）');
    const history = await agents.admin.get('/admin/policies').expect(200);
    expect(history.text).toContain('恢复省定标准');
    expect(history.text).toContain('恢复默认');
  });
});
