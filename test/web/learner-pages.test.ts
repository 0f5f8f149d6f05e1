import mongoose from 'mongoose';
import request from 'supertest';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { upsertSchool } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { CoursesFixture } from '../support/course-fixtures';
import { csrfTokenIn, signIn, testApp } from '../support/web';

useTestDatabase();

const hostileLesson = '## 安全\n\n<script>alert("x")</script>\n\n[点我](javascript:alert(1))\n\n<img src=x onerror=alert(1)>';

beforeAll(async () => {
  const fixture = new CoursesFixture()
    .module('homeroom-new-web', {
      lessons: [
        { file: 'lessons/01-a.md', id: 'a', title: '班主任的一天', body: '## 早读\n\n七点半到班。' },
        { file: 'lessons/02-b.md', id: 'b', title: '班会课', body: hostileLesson },
        { file: 'lessons/03-c.md', id: 'c', title: '家访', body: '## 家访前\n\n提前预约。' },
      ],
    })
    .module('homeroom-new-timed', { minSeconds: 300 });
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
  await upsertSchool({ code: 'school-1', name: '第一实验小学' });
});

describe('learner pages over HTTP', () => {
  let app: ReturnType<typeof testApp>;
  beforeAll(() => {
    app = testApp();
  });

  it('reports health with the database up', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok', db: 'up' });
  });

  it('sends anonymous visitors to sign in, with a 401', async () => {
    const page = await request(app).get('/catalog').expect(401);
    expect(page.text).toContain('请从学校的学习平台');
    expect(page.text).toContain('href="/dev/login"');
    await request(app).get('/catalog').set('Accept', 'application/json').expect(401).expect('Content-Type', /json/);
  });

  it('refuses a sign-in without a valid CSRF token', async () => {
    await request(app).post('/dev/login').type('form').send({ name: '没有令牌' }).expect(403);
  });

  it('rejects an empty name and an unknown school with a clear message', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/dev/login').expect(200);
    expect(form.text).toContain('第一实验小学');
    const empty = await agent.post('/dev/login').type('form').send({ _csrf: csrfTokenIn(form.text), name: '   ' }).expect(400);
    expect(empty.text).toContain('请填写姓名');
    const school = await agent.post('/dev/login').type('form').send({ _csrf: csrfTokenIn(form.text), name: '李老师', school: 'nowhere' }).expect(400);
    expect(school.text).toContain('请选择列表中的学校');
  });

  it('lets a learner study a module from the catalog to the last lesson', async () => {
    const agent = await signIn(app, '王老师', 'school-1');
    const catalog = await agent.get('/catalog').expect(200);
    expect(catalog.text).toContain('新任班主任上岗培训');
    expect(catalog.text).toContain('测试模块 homeroom-new-web');
    expect(catalog.text).toContain('2.5 学时');

    const overview = await agent.get('/modules/homeroom-new-web').expect(200);
    expect(overview.text).toContain('已学 0 / 3 课节');
    expect(overview.text).toContain('开始学习');
    expect(overview.text).toContain('href="/modules/homeroom-new-web/v/1/lessons/a"');

    const lessonA = await agent.get('/modules/homeroom-new-web/v/1/lessons/a').expect(200);
    expect(lessonA.text).toContain('<h2>早读</h2>');
    expect(lessonA.text).toContain('第 1 课，共 3 课');
    await agent
      .post('/modules/homeroom-new-web/v/1/lessons/a/studied')
      .type('form')
      .send({ _csrf: csrfTokenIn(lessonA.text) })
      .expect(303)
      .expect('Location', '/modules/homeroom-new-web/v/1/lessons/b');

    const lessonB = await agent.get('/modules/homeroom-new-web/v/1/lessons/b').expect(200);
    expect(lessonB.text).not.toMatch(/<script|href="javascript|<img/);
    expect(lessonB.text).toContain('&lt;script&gt;');

    const afterOne = await agent.get('/modules/homeroom-new-web').expect(200);
    expect(afterOne.text).toContain('已学 1 / 3 课节');
    expect(afterOne.text).toContain('继续学习');
    expect(afterOne.text).toContain('value="33"');

    for (const lesson of ['b', 'c']) {
      const page = await agent.get(`/modules/homeroom-new-web/v/1/lessons/${lesson}`).expect(200);
      await agent.post(`/modules/homeroom-new-web/v/1/lessons/${lesson}/studied`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    }
    const done = await agent.get('/modules/homeroom-new-web').expect(200);
    expect(done.text).toContain('已学 3 / 3 课节');
    expect(done.text).toContain('完成本模块，可计 2.5 学时');

    const progress = await agent.get('/progress').expect(200);
    expect(progress.text).toContain('测试模块 homeroom-new-web');
    expect(progress.text).toContain('100%');
  });

  it('holds a lesson back until its minimum study time has passed', async () => {
    const agent = await signIn(app, '赵老师');
    const lesson = await agent.get('/modules/homeroom-new-timed/v/1/lessons/first').expect(200);
    const response = await agent
      .post('/modules/homeroom-new-timed/v/1/lessons/first/studied')
      .type('form')
      .send({ _csrf: csrfTokenIn(lesson.text) })
      .expect(303);
    expect(response.headers.location).toMatch(/\/modules\/homeroom-new-timed\/v\/1\/lessons\/first\?wait=(29\d|300)$/);
    const again = await agent.get(response.headers.location!).expect(200);
    expect(again.text).toMatch(/请再学习 (29\d|300) 秒后再标记为已学/);
    expect((await agent.get('/modules/homeroom-new-timed').expect(200)).text).toContain('已学 0 / 2 课节');
  });

  it('shows an empty progress page with a way forward', async () => {
    const agent = await signIn(app, '新来的老师');
    const page = await agent.get('/progress').expect(200);
    expect(page.text).toContain('你还没有开始学习任何模块');
    expect(page.text).toContain('href="/catalog"');
  });

  it('answers unknown and malformed ids with 404 pages', async () => {
    const agent = await signIn(app, '钱老师');
    for (const url of [
      '/modules/no-such-module',
      '/modules/BAD$ID',
      '/modules/homeroom-new-web/v/99/lessons/a',
      '/modules/homeroom-new-web/v/1/lessons/zzz',
      '/modules/homeroom-new-web/v/abc/lessons/a',
      '/nowhere',
    ]) {
      const page = await agent.get(url).expect(404);
      expect(page.text).toContain('页面不存在');
    }
  });

  it('switches to English and remembers it', async () => {
    const agent = await signIn(app, 'Ms Li');
    const english = await agent.get('/catalog?lang=en').expect(200);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('New homeroom teachers: pre-service training');
    expect(english.text).toContain('Test module homeroom-new-web');
    expect((await agent.get('/progress').expect(200)).text).toContain('My progress');
    expect((await agent.get('/catalog?lang=zh-CN').expect(200)).text).toContain('课程目录');
  });

  it('follows Accept-Language when no choice was made', async () => {
    const page = await request(app).get('/dev/login').set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(page.text).toContain('Development sign-in');
  });

  it('signs out', async () => {
    const agent = await signIn(app, '孙老师');
    const page = await agent.get('/catalog').expect(200);
    await agent.post('/logout').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    await agent.get('/catalog').expect(401);
  });

  it('has no development sign-in in production mode', async () => {
    await request(testApp({ devLoginEnabled: false })).get('/dev/login').expect(404);
  });

  it('reports the database down with a 503', async () => {
    const client = mongoose.connection;
    await client.close();
    try {
      await request(app).get('/healthz').expect(503, { status: 'degraded', db: 'down' });
    } finally {
      await client.openUri(process.env.SHIXUN_TEST_MONGODB_URI!, { dbName: client.name });
    }
  });
});
