import { Types } from 'mongoose';
import { PassbackJobModel } from '../../src/lti/passback';
import { upsertUserFromIdentity } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp } from '../support/web';

useTestDatabase();

const ACCESS_TOKEN = 'leaked-access-token-4b1d';

async function job(name: string, fields: { state: 'pending' | 'sent' | 'gave-up'; tries: number; lastAnswer?: Record<string, unknown>; minutesAgo: number }) {
  const learner = await upsertUserFromIdentity({ provider: 'lti13:https://canvas.test|c1', subject: name, displayName: name, roles: ['learner'] });
  const created = new Date(Date.now() - fields.minutesAgo * 60_000);
  const inserted = await PassbackJobModel.create({
    key: `key-${name}`,
    completionId: new Types.ObjectId(),
    userId: learner._id,
    moduleId: `module-${name}`,
    moduleVersion: 1,
    provider: 'lti13:https://canvas.test|c1',
    subject: name,
    target: { kind: 'ags', platformId: 'p1', lineItemUrl: 'https://canvas.test/li/1', scopes: [] },
    scorePercent: 90,
    completedAt: created,
    createdAt: created,
    state: fields.state,
    tries: fields.tries,
    maxTries: 8,
    nextTryAt: new Date('2026-09-01T09:00:00Z'),
    ...(fields.lastAnswer ? { lastAnswer: fields.lastAnswer } : {}),
  });
  return inserted._id.toHexString();
}

describe('passbacks on the diagnostics page', () => {
  let gaveUpId: string;

  beforeAll(async () => {
    gaveUpId = await job('张敏', { state: 'gave-up', tries: 8, minutesAgo: 30, lastAnswer: { status: 401, stage: 'token', body: `{"error":"invalid_client","access_token":"${ACCESS_TOKEN}"}`, at: new Date() } });
    await job('刘洋', { state: 'pending', tries: 2, minutesAgo: 20, lastAnswer: { status: 0, stage: 'score', error: 'ECONNREFUSED' } });
    await job('陈静', { state: 'pending', tries: 0, minutesAgo: 10 });
    await job('王芳', { state: 'sent', tries: 1, minutesAgo: 5, lastAnswer: { status: 200, stage: 'score' } });
  });

  it('lists the scores in trouble with the LMS answer, tries and next try, never a token', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics?lang=en').expect(200);
    const section = page.text.slice(page.text.indexOf('Grade passbacks needing attention'));
    expect(section).toContain('张敏');
    expect(section).toContain('HTTP 401 (token)');
    expect(section).toContain('invalid_client');
    expect(section).toContain('Gave up');
    expect(section).toContain('刘洋');
    expect(section).toContain('ECONNREFUSED');
    expect(section).toMatch(/Tries: 2 · Next try: /);
    // Not yet tried, or already in the gradebook: nothing to look at.
    expect(section).not.toContain('陈静');
    expect(section).not.toContain('王芳');
    expect(section.indexOf('刘洋')).toBeLessThan(section.indexOf('张敏'));
    expect(page.text).not.toContain(ACCESS_TOKEN);
    expect(section).toContain('href="/admin/lti/passbacks"');
  });

  it('still lists a retrying score when many newer ones have not been tried yet', async () => {
    for (let index = 0; index < 25; index++) await job(`新任教师${index}`, { state: 'pending', tries: 0, minutesAgo: 1 });
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics?lang=en').expect(200);
    const section = page.text.slice(page.text.indexOf('Grade passbacks needing attention'));
    expect(section).toContain('刘洋');
    expect(section).not.toContain('新任教师');
    await PassbackJobModel.deleteMany({ subject: /^新任教师/ });
  });

  it('hides the passbacks when another kind of event is chosen', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics?kind=launch&lang=en').expect(200);
    expect(page.text).not.toContain('Grade passbacks needing attention');
  });

  it('retries a given-up passback from its button (POST with CSRF)', async () => {
    const admin = await signIn(testApp(), '区管理员', '', 'admin');
    const page = await admin.get('/admin/lti/diagnostics').expect(200);
    const action = `/admin/lti/passbacks/${gaveUpId}/retry`;
    expect(page.text).toContain(`action="${action}"`);
    await admin.post(action).type('form').send({}).expect(403);
    expect((await PassbackJobModel.findById(gaveUpId).lean())?.state).toBe('gave-up');
    await admin.post(action).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    expect((await PassbackJobModel.findById(gaveUpId).lean())?.state).toBe('pending');
  });
});
