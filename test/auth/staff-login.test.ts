import request from 'supertest';
import { addStaffAccount, FAILED_SIGN_INS_PER_WINDOW, StaffCredentialModel } from '../../src/auth';
import { upsertSchool, UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, testApp } from '../support/web';

useTestDatabase();

const PASSWORD = 'correct horse battery';

async function signInForm(agent: request.Agent, username: string, password: string, query = '') {
  const form = await agent.get(`/login${query}`).expect(200);
  return agent.post('/login').type('form').send({ _csrf: csrfTokenIn(form.text), username, password });
}

describe('staff sign-in at /login', () => {
  beforeAll(async () => {
    await upsertSchool({ code: 'xhl', name: '新华路小学' });
    await addStaffAccount({ username: 'Wang.Registrar', displayName: '王老师', role: 'registrar', schoolCode: 'xhl', password: PASSWORD });
    await addStaffAccount({ username: 'li-trainer', displayName: '李老师', role: 'trainer', password: PASSWORD });
    await addStaffAccount({ username: 'district-admin', displayName: '区管理员', role: 'admin', password: PASSWORD });
  });

  it('stores a lower-cased username and an argon2id hash, never the password', async () => {
    const credential = await StaffCredentialModel.findOne({ username: 'wang.registrar' }).lean();
    expect(credential?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(credential)).not.toContain(PASSWORD);
    const user = await UserModel.findById(credential!.userId).lean();
    expect(user).toMatchObject({ provider: 'local', subject: 'wang.registrar', roles: ['registrar'], schoolCode: 'xhl', scopeSchoolCodes: ['xhl'] });
  });

  it('shows a labelled form in Chinese and English with autocomplete hints', async () => {
    const zh = await request(testApp()).get('/login').expect(200);
    expect(zh.text).toContain('工作人员登录');
    expect(zh.text).toMatch(/<label for="username">用户名<\/label>/);
    expect(zh.text).toContain('autocomplete="username"');
    expect(zh.text).toContain('autocomplete="current-password"');
    const en = await request(testApp()).get('/login?lang=en').expect(200);
    expect(en.text).toContain('Staff sign-in');
  });

  it.each([
    ['Wang.Registrar', '/registrar'],
    ['li-trainer', '/trainer'],
    ['district-admin', '/admin/lti'],
  ])('signs %s in and lands on %s, with a new session id', async (username, landing) => {
    const agent = request.agent(testApp());
    const form = await agent.get('/login').expect(200);
    const before = /shixun\.sid=([^;]+)/.exec(String(form.headers['set-cookie']))?.[1];
    expect(before).toBeDefined();
    const response = await agent.post('/login').type('form').send({ _csrf: csrfTokenIn(form.text), username, password: PASSWORD }).expect(303);
    expect(response.headers.location).toBe(landing);
    const after = /shixun\.sid=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1];
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await agent.get(landing).expect(200);
    // Already signed in: the form sends them on.
    await agent.get('/login').expect(303).expect('Location', landing);
  });

  it('refuses a wrong password and an unknown user with the same answer, keeping the username', async () => {
    const wrong = await signInForm(request.agent(testApp()), 'li-trainer', 'not the password');
    const unknown = await signInForm(request.agent(testApp()), 'nobody-here', PASSWORD);
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.text).toContain('用户名或密码不正确');
      expect(response.text).toContain('role="alert"');
    }
    expect(wrong.text).toContain('value="li-trainer"');
    expect(wrong.text).not.toContain('not the password');
  });

  it('is not signed in after a refusal', async () => {
    const agent = request.agent(testApp());
    await signInForm(agent, 'li-trainer', 'wrong-password-here');
    await agent.get('/trainer').expect(401);
  });

  it('requires the CSRF token', async () => {
    const agent = request.agent(testApp());
    await agent.get('/login').expect(200);
    const response = await agent.post('/login').type('form').send({ username: 'li-trainer', password: PASSWORD });
    expect(response.status).toBe(403);
    await agent.get('/trainer').expect(401);
  });

  it(`answers 429 after ${FAILED_SIGN_INS_PER_WINDOW} failures from one address, even to the right password`, async () => {
    const app = testApp();
    const agent = request.agent(app);
    for (let attempt = 0; attempt < FAILED_SIGN_INS_PER_WINDOW; attempt++) {
      expect((await signInForm(agent, 'district-admin', `wrong password ${attempt}`)).status).toBe(401);
    }
    const blocked = await signInForm(agent, 'district-admin', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('尝试次数过多');
    // Another app instance (another server) keeps its own count.
    expect((await signInForm(request.agent(testApp()), 'district-admin', PASSWORD)).status).toBe(303);
  });

  it('points the sign-in hint of a 401 page at /login', async () => {
    const page = await request(testApp({ devLoginEnabled: false })).get('/trainer').expect(401);
    expect(page.text).toContain('href="/login"');
    expect(page.text).not.toContain('href="/dev/login"');
    const withDev = await request(testApp()).get('/trainer').expect(401);
    expect(withDev.text).toContain('href="/dev/login"');
  });
});
