import type { Express } from 'express';
import request from 'supertest';
import { loadCatalog, syncCatalog } from '../../../src/courses';
import { htmlWithToken, urlWithToken } from '../../../src/lti/session';
import { findProgress, moduleVersionForLearner } from '../../../src/progress';
import { UserModel } from '../../../src/users';
import { CoursesFixture } from '../../support/course-fixtures';
import { useTestDatabase } from '../../support/database';
import { csrfTokenIn, signIn, testApp, TestClock } from '../../support/web';
import { cookiesOf, LMS_ORIGIN, postLaunch, registerConsumer, tokenIn } from './fixtures';

useTestDatabase();

const MODULE = 'homeroom-new-iframe';

beforeAll(async () => {
  const fixture = new CoursesFixture().module(MODULE, { minSeconds: 60 });
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
  await registerConsumer();
});

describe('carrying the token in pages', () => {
  test('same-site links, query-only links and form actions get the token; other origins, fragments and static files do not', () => {
    const html = [
      '<a href="/modules/a">m</a>',
      '<a href="/modules/a?wait=3#top">w</a>',
      '<a href="?lang=en">en</a>',
      '<a href="/lti/session/open?to&#x3D;%2Fmodules%2Fa&amp;x&#x3D;1">open</a>',
      '<a href="https://example.com/x">out</a>',
      '<a href="//evil.example/x">evil</a>',
      '<a href="#main">skip</a>',
      '<link rel="stylesheet" href="/static/app.css">',
      '<form method="post" action="/logout"><button>x</button></form>',
      '<form action="/catalog"><input name="q"></form>',
    ].join('\n');
    const out = htmlWithToken(html, 'v1.T-k_n');
    expect(out).toContain('href="/modules/a?lt=v1.T-k_n"');
    expect(out).toContain('href="/modules/a?wait=3&amp;lt=v1.T-k_n#top"');
    expect(out).toContain('href="?lang=en&amp;lt=v1.T-k_n"');
    expect(out).toContain('href="/lti/session/open?to=%2Fmodules%2Fa&amp;x=1&amp;lt=v1.T-k_n"');
    expect(out).toContain('href="https://example.com/x"');
    expect(out).toContain('href="//evil.example/x"');
    expect(out).toContain('href="#main"');
    expect(out).toContain('href="/static/app.css"');
    expect(out).toContain('<form method="post" action="/logout?lt=v1.T-k_n"><button>');
    expect(out).toContain('<form action="/catalog?lt=v1.T-k_n"><input type="hidden" name="lt" value="v1.T-k_n"><input name="q">');
    expect(urlWithToken('/modules/a?lt=old&x=1', 'new')).toBe('/modules/a?x=1&lt=new');
  });
});

describe('sessions inside the LMS iframe', () => {
  let clock: TestClock;
  let app: Express;
  beforeAll(() => {
    clock = new TestClock();
    app = testApp({ clock: clock.now });
  });

  test('a learner launched without any cookie studies a lesson through the token alone, CSRF included', async () => {
    const launch = await postLaunch(app, clock, { user_id: 'token-only', custom_module: MODULE }).expect(303);
    const location = launch.headers.location!;
    expect(location).toMatch(new RegExp(`^/modules/${MODULE}\\?lt=`));
    // The token is sealed: it does not show the session id the cookie carries.
    const sid = decodeURIComponent(cookiesOf(launch)[0]!.split(';')[0]!.split('=')[1]!).slice(2).split('.')[0]!;
    expect(tokenIn(location)).not.toContain(sid);

    // No cookie jar: every request stands on the token alone.
    const modulePage = await request(app).get(location).set('Sec-Fetch-Dest', 'iframe').expect(200);
    const lessonHref = /href="(\/modules\/[^"]+\/lessons\/first\?lt=[^"]+)"/.exec(modulePage.text)?.[1];
    expect(lessonHref).toBeDefined();
    expect(modulePage.text).toContain('/lti/session/open?to=%2Fmodules%2F');
    expect(modulePage.text).toMatch(/target="_blank" rel="noopener"/);

    const lesson = await request(app).get(lessonHref!.replace(/&amp;/g, '&')).expect(200);
    const form = /<form method="post" action="([^"]+\/studied\?lt=[^"]+)">/.exec(lesson.text)?.[1];
    expect(form).toBeDefined();
    clock.advanceMinutes(2);
    const studied = await request(app)
      .post(form!.replace(/&amp;/g, '&'))
      .type('form')
      .send({ _csrf: csrfTokenIn(lesson.text) })
      .expect(303);
    expect(studied.headers.location).toMatch(new RegExp(`^/modules/${MODULE}/v/1/lessons/second\\?lt=`));

    const user = await UserModel.findOne({ subject: 'token-only' }).lean();
    const module = await moduleVersionForLearner(user!._id, MODULE);
    expect((await findProgress(user!._id, module!))?.lessons.first?.studiedAt).toBeDefined();
  });

  test('the token may also come as a form field, and a POST without the CSRF token is still refused', async () => {
    const launch = await postLaunch(app, clock, { user_id: 'token-field', custom_module: MODULE }).expect(303);
    const token = tokenIn(launch.headers.location!);
    const lesson = await request(app).get(`/modules/${MODULE}/v/1/lessons/first`).query({ lt: token }).expect(200);
    clock.advanceMinutes(2);
    await request(app).post(`/modules/${MODULE}/v/1/lessons/first/studied`).type('form').send({ lt: token }).expect(403);
    await request(app)
      .post(`/modules/${MODULE}/v/1/lessons/first/studied`)
      .type('form')
      .send({ lt: token, _csrf: csrfTokenIn(lesson.text) })
      .expect(303);
  });

  test('a forged, altered or expired token is refused with a page that says to launch again', async () => {
    const launch = await postLaunch(app, clock, { user_id: 'token-expiry', custom_module: MODULE }).expect(303);
    const token = tokenIn(launch.headers.location!);
    const forged = await request(app).get('/catalog').query({ lt: 'v1.AAAA.BBBB.CCCC' }).set('Accept-Language', 'en').expect(401);
    expect(forged.text).toContain('Open the activity again from your course');
    const altered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    await request(app).get('/catalog').query({ lt: altered }).expect(401);

    await request(app).get('/catalog').query({ lt: token }).expect(200);
    clock.advanceMinutes(121);
    const expired = await request(app).get('/catalog').query({ lt: token }).set('Accept-Language', 'en').expect(401);
    expect(expired.text).toContain('Your session has ended');
  });

  test('a token whose session was signed out no longer works', async () => {
    const launch = await postLaunch(app, clock, { user_id: 'token-logout', custom_module: MODULE }).expect(303);
    const token = tokenIn(launch.headers.location!);
    const page = await request(app).get('/catalog').query({ lt: token }).expect(200);
    await request(app).post('/logout').type('form').send({ lt: token, _csrf: csrfTokenIn(page.text) }).expect(303);
    await request(app).get('/catalog').query({ lt: token }).expect(401);
  });

  test('"open in a new window" gives the first-party window the session cookie and a clean address', async () => {
    const launch = await postLaunch(app, clock, { user_id: 'token-window', custom_module: MODULE }).expect(303);
    const token = tokenIn(launch.headers.location!);
    const opened = await request(app).get('/lti/session/open').query({ to: `/modules/${MODULE}`, lt: token }).expect(303);
    expect(opened.headers.location).toBe(`/modules/${MODULE}`);
    const cookie = cookiesOf(opened).find((line) => line.startsWith('shixun.sid='));
    expect(cookie).toBeDefined();
    await request(app).get(`/modules/${MODULE}`).set('Cookie', cookie!.split(';')[0]!).expect(200);
    const offsite = await request(app).get('/lti/session/open').query({ to: '//evil.example/x', lt: token }).expect(303);
    expect(offsite.headers.location).toBe('/catalog');
  });

  test('with its cookie the session needs no token, and pages then carry none', async () => {
    const agent = await signIn(app, '有 Cookie 的老师');
    const page = await agent.get('/catalog').expect(200);
    expect(page.text).not.toContain('lt=');
  });
});

describe('cookies and framing', () => {
  test('over https the session cookie is Secure and SameSite=None', async () => {
    const clock = new TestClock();
    const app = testApp({ clock: clock.now, secureCookies: true, trustProxy: true });
    const launch = await postLaunch(app, clock, { user_id: 'https-user', custom_module: MODULE }, { https: true }).expect(303);
    const cookie = cookiesOf(launch).find((line) => line.startsWith('shixun.sid='));
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; SameSite=None/i);
    expect(cookie).toMatch(/; HttpOnly/i);
  });

  test('over plain http (development) it stays SameSite=Lax', async () => {
    const clock = new TestClock();
    const launch = await postLaunch(testApp({ clock: clock.now }), clock, { user_id: 'http-user' }).expect(303);
    const cookie = cookiesOf(launch).find((line) => line.startsWith('shixun.sid='));
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).not.toMatch(/; Secure/i);
  });

  test('learner pages may be framed by registered LMS origins only; staff pages by none', async () => {
    const app = testApp();
    const catalog = await request(app).get('/catalog');
    const csp = catalog.headers['content-security-policy']!;
    expect(csp).toContain(`frame-ancestors 'self' ${LMS_ORIGIN}`);
    expect(csp).not.toContain('frame-ancestors \'self\';');
    expect(catalog.headers['x-frame-options']).toBeUndefined();
    for (const path of ['/dev/login', '/registrar', '/admin/policies']) {
      const page = await request(app).get(path);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(page.headers['content-security-policy']).not.toContain(LMS_ORIGIN);
      expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });
});
