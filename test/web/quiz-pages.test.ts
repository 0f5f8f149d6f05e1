import { loadCatalog, syncCatalog } from '../../src/courses';
import { CompletionModel, onCompletion, type Completion } from '../../src/completion';
import { LedgerEntryModel, registerLedgerListener } from '../../src/ledger';
import { AttemptModel, AttemptResultModel } from '../../src/quiz';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { answerFields, BANK_YAML, quizCourses, startAttemptOver, studyAllLessons } from '../support/quiz-fixtures';
import { csrfTokenIn, signIn, testApp, TestClock } from '../support/web';

useTestDatabase();

const MODULE = 'safety-quiz-web';

describe('assessments over HTTP', () => {
  const clock = new TestClock();
  let app: ReturnType<typeof testApp>;
  const published: Completion[] = [];

  beforeAll(async () => {
    const fixture = quizCourses(MODULE);
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    app = testApp({ clock: clock.now });
    registerLedgerListener();
    onCompletion('test', async (completion) => {
      published.push(completion);
    });
  });

  it('opens only after every lesson is studied', async () => {
    const agent = await signIn(app, '学员甲');
    const page = await agent.get(`/modules/${MODULE}`).expect(200);
    expect(page.text).toContain('学完全部课节后才能参加考核');
    await agent.post(`/modules/${MODULE}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(409);
    expect(await AttemptModel.countDocuments({ moduleId: MODULE })).toBe(0);
  });

  it('shows accessible questions that carry no answers, and resumes saved answers', async () => {
    const agent = await signIn(app, '学员乙');
    await studyAllLessons(agent, MODULE);
    const attemptId = await startAttemptOver(agent, MODULE);
    const page = await agent.get(`/attempts/${attemptId}`).expect(200);

    expect(page.text.match(/<fieldset class="question/g)).toHaveLength(5);
    expect(page.text.match(/<legend>/g)).toHaveLength(5);
    // Every select has a label; every radio and checkbox sits inside one.
    for (const [, id] of page.text.matchAll(/<select id="([^"]+)"/g)) expect(page.text).toContain(`<label for="${id}">`);
    expect(page.text).not.toMatch(/<input type="(radio|checkbox)"(?![^<]*<\/label>)[^>]*>\s*<input/);
    // No bank ids, no feedback, no correct-answer marks.
    expect(page.text).not.toMatch(/value="(a|b|c|d|s1|s2|s3|r1|r2|r3|p1|p2)"/);
    for (const feedback of BANK_YAML.matchAll(/feedback: (.+)/g)) expect(page.text).not.toContain(feedback[1]!.trim());

    const fields = await answerFields(attemptId, '学员乙', 'correct');
    const someFields = Object.fromEntries(Object.entries(fields).filter(([name]) => /single-1|tf-1/.test(name)));
    await agent.post(`/attempts/${attemptId}/save`).type('form').send({ _csrf: csrfTokenIn(page.text), ...someFields }).expect(303);

    // A closed tab loses nothing: the module page offers to continue, and the answers are there.
    const moduleAgain = await agent.get(`/modules/${MODULE}`).expect(200);
    expect(moduleAgain.text).toContain(`href="/attempts/${attemptId}"`);
    const resumed = await agent.get(`/attempts/${attemptId}`).expect(200);
    expect(resumed.text.match(/ checked/g)).toHaveLength(2);

    const autosave = await agent
      .post(`/attempts/${attemptId}/save`)
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), ...fields })
      .expect(200);
    expect(autosave.body).toMatchObject({ saved: 5, rejected: [] });
  });

  it('hides an attempt from everyone but its learner', async () => {
    const owner = await signIn(app, '学员丙');
    await studyAllLessons(owner, MODULE);
    const attemptId = await startAttemptOver(owner, MODULE);
    const stranger = await signIn(app, '学员丁');
    await stranger.get(`/attempts/${attemptId}`).expect(404);
    await stranger.get(`/attempts/${attemptId}/result`).expect(404);
    const page = await stranger.get('/catalog').expect(200);
    await stranger.post(`/attempts/${attemptId}/submit`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(404);
    await stranger.get('/attempts/not-an-attempt-id').expect(404);
  });

  it('fails, cools down, and passes on a later attempt; completion happens exactly once', async () => {
    const name = '学员戊';
    const agent = await signIn(app, name);
    await studyAllLessons(agent, MODULE);
    const first = await startAttemptOver(agent, MODULE);
    const page = await agent.get(`/attempts/${first}`).expect(200);
    await agent.post(`/attempts/${first}/submit`).type('form').send({ _csrf: csrfTokenIn(page.text), ...(await answerFields(first, name, 'wrong')) }).expect(303);

    const failed = await agent.get(`/attempts/${first}/result`).expect(200);
    expect(failed.text).toContain('未达到合格线');
    expect(failed.text).toContain('下一次作答将于');
    expect(failed.text).toContain('解析：');
    expect(failed.text).toContain('回到课节复习');

    // During the cooldown a new start goes back to the module page.
    const modulePage = await agent.get(`/modules/${MODULE}`).expect(200);
    await agent.post(`/modules/${MODULE}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(modulePage.text) }).expect(303).expect('Location', `/modules/${MODULE}`);

    clock.advanceMinutes(10);
    const second = await startAttemptOver(agent, MODULE);
    expect(second).not.toBe(first);
    const secondPage = await agent.get(`/attempts/${second}`).expect(200);
    const correct = { _csrf: csrfTokenIn(secondPage.text), ...(await answerFields(second, name, 'correct')) };
    // A double click: two submits at once grade once and agree.
    const [a, b] = await Promise.all([
      agent.post(`/attempts/${second}/submit`).type('form').send(correct),
      agent.post(`/attempts/${second}/submit`).type('form').send(correct),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await AttemptResultModel.countDocuments({ attemptId: second })).toBe(1);

    const passed = await agent.get(`/attempts/${second}/result`).expect(200);
    expect(passed.text).toContain('100%');
    expect(passed.text).toContain('合格！');
    expect(passed.text).toContain('可计 2.5 学时');

    const user = await UserModel.findOne({ displayName: name }).lean();
    expect(await CompletionModel.countDocuments({ userId: user!._id })).toBe(1);
    expect(published.filter((c) => c.userId.equals(user!._id))).toEqual([
      expect.objectContaining({ moduleId: MODULE, moduleVersion: 1, creditHours: 2.5, category: 'homeroom-new', attemptId: second, scorePercent: 100 }),
    ]);
    // The ledger credits the hours once, although the attempt was submitted twice at once.
    expect(await LedgerEntryModel.find({ teacher: user!._id }).lean()).toEqual([
      expect.objectContaining({ hours: 2.5, category: 'homeroom-new', creditRule: 'module-completion-passed', assessment: { passed: true, scorePercent: 100 } }),
    ]);
    // Submitting again later changes nothing.
    await agent.post(`/attempts/${second}/submit`).type('form').send(correct).expect(303);
    expect(await CompletionModel.countDocuments({ userId: user!._id })).toBe(1);
    expect(await LedgerEntryModel.countDocuments({ teacher: user!._id })).toBe(1);
    expect((await agent.get(`/modules/${MODULE}`).expect(200)).text).toContain('你已通过本模块考核');
  });

  it('rejects tampered answers with a message and keeps the valid ones', async () => {
    const name = '学员己';
    const agent = await signIn(app, name);
    await studyAllLessons(agent, MODULE);
    const attemptId = await startAttemptOver(agent, MODULE);
    const page = await agent.get(`/attempts/${attemptId}`).expect(200);
    const fields = await answerFields(attemptId, name, 'correct');
    const singleKey = Object.keys(fields).find((key) => key === 'q:quiz-web-bank/single-1')!;
    const orderingKeys = Object.keys(fields).filter((key) => key.startsWith('q:quiz-web-bank/order-1:'));
    const tampered = { ...fields, [singleKey]: '99', [orderingKeys[0]!]: '1', [orderingKeys[1]!]: '1' };
    const response = await agent.post(`/attempts/${attemptId}/submit`).type('form').send({ _csrf: csrfTokenIn(page.text), ...tampered }).expect(400);
    expect(response.text).toContain('有题目的答案需要修改');
    expect(response.text).toContain('请为每一步选择一个不同的序号');
    expect(await AttemptResultModel.countDocuments({ attemptId })).toBe(0);
    const saved = await AttemptModel.findOne({ attemptId }).lean();
    expect(Object.keys(saved!.responses).sort()).toEqual(['quiz-web-bank/match-1', 'quiz-web-bank/multiple-1', 'quiz-web-bank/tf-1']);
  });

  it('grades a late submission on what was saved in time, and marks it late', async () => {
    const name = '学员庚';
    const agent = await signIn(app, name);
    await studyAllLessons(agent, MODULE);
    const attemptId = await startAttemptOver(agent, MODULE);
    const page = await agent.get(`/attempts/${attemptId}`).expect(200);
    const correct = await answerFields(attemptId, name, 'correct');
    const tfOnly = Object.fromEntries(Object.entries(correct).filter(([key]) => key === 'q:quiz-web-bank/tf-1'));
    await agent.post(`/attempts/${attemptId}/save`).type('form').send({ _csrf: csrfTokenIn(page.text), ...tfOnly }).expect(303);

    clock.advanceMinutes(25);
    const tooLate = await agent.post(`/attempts/${attemptId}/save`).set('Accept', 'application/json').type('form').send({ _csrf: csrfTokenIn(page.text), ...correct });
    expect(tooLate.status).toBe(409);
    await agent.post(`/attempts/${attemptId}/submit`).type('form').send({ _csrf: csrfTokenIn(page.text), ...correct }).expect(303);
    const result = await AttemptResultModel.findOne({ attemptId }).lean();
    expect(result).toMatchObject({ late: true });
    expect(result!.grade.percent).toBe(20);
    expect((await agent.get(`/attempts/${attemptId}/result`).expect(200)).text).toContain('超过时限提交');
  });

  it('opens one attempt however many start requests arrive at once', async () => {
    const agent = await signIn(app, '学员辛');
    await studyAllLessons(agent, MODULE);
    const page = await agent.get(`/modules/${MODULE}`).expect(200);
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => agent.post(`/modules/${MODULE}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(page.text) })),
    );
    const user = await UserModel.findOne({ displayName: '学员辛' }).lean();
    expect(await AttemptModel.countDocuments({ userId: user!._id })).toBe(1);
    expect(new Set(responses.map((r) => r.headers.location)).size).toBe(1);
  });

  it('gives trainers item statistics and a CSV export, and nobody else', async () => {
    const learner = await signIn(app, '学员壬');
    await learner.get('/trainer').expect(403);
    await learner.get(`/trainer/modules/${MODULE}/attempts.csv`).expect(403);

    const trainer = await signIn(app, '培训者甲', '', 'trainer');
    const index = await trainer.get('/trainer').expect(200);
    expect(index.text).toContain(`href="/trainer/modules/${MODULE}"`);
    const report = await trainer.get(`/trainer/modules/${MODULE}`).expect(200);
    expect(report.text).toContain('通过率');
    expect(report.text).toContain('走廊冒烟时首先做什么？');
    const csv = await trainer.get(`/trainer/modules/${MODULE}/attempts.csv`).expect(200).expect('Content-Type', /text\/csv/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toContain('score %');
    expect(lines.length).toBe(1 + (await AttemptResultModel.countDocuments({ moduleId: MODULE })));
    expect(csv.text).toContain('学员戊');
    await trainer.get('/trainer/modules/no-such-module').expect(404);
  });
});

describe('recertification', () => {
  const clock = new TestClock();
  const RECERT = 'safety-quiz-recert';
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    const fixture = quizCourses(RECERT, 'passMark: 80\n  recertifyMonths: 12');
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    app = testApp({ clock: clock.now });
  });

  it('asks for the assessment again once a pass expires, and completes anew', async () => {
    const name = '学员癸';
    const agent = await signIn(app, name);
    await studyAllLessons(agent, RECERT);
    const pass = async () => {
      const attemptId = await startAttemptOver(agent, RECERT);
      const page = await agent.get(`/attempts/${attemptId}`).expect(200);
      await agent.post(`/attempts/${attemptId}/submit`).type('form').send({ _csrf: csrfTokenIn(page.text), ...(await answerFields(attemptId, name, 'correct')) }).expect(303);
    };
    await pass();
    const passed = await agent.get(`/modules/${RECERT}`).expect(200);
    expect(passed.text).toContain('有效期至 2027年9月1日');
    expect(passed.text).not.toContain('开始第');

    clock.advanceMinutes(366 * 24 * 60);
    const expired = await agent.get(`/modules/${RECERT}`).expect(200);
    expect(expired.text).not.toContain('完成本模块');
    expect(expired.text).toContain('开始第 2 次考核');
    await pass();
    const user = await UserModel.findOne({ displayName: name }).lean();
    expect(await CompletionModel.countDocuments({ userId: user!._id, moduleId: RECERT })).toBe(2);
    expect((await agent.get(`/modules/${RECERT}`).expect(200)).text).toContain('有效期至 2028年9月2日');
  });
});
