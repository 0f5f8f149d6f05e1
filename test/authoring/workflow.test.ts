import request, { type Agent } from 'supertest';
import { AuthoringAuditModel, DraftRevisionModel, getDraft } from '../../src/authoring';
import { BankVersionModel, loadCatalog, ModuleVersionModel, syncCatalog } from '../../src/courses';
import { AttemptModel, AttemptResultModel } from '../../src/quiz';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { quizCourses } from '../support/quiz-fixtures';
import { csrfTokenIn, signIn, testApp, TestClock } from '../support/web';

useTestDatabase();

const MODULE = 'safety-lab-chemicals';

/** The revision the page's forms carry. */
const revisionIn = (html: string) => Number(/name="revision" value="(\d+)"/.exec(html)?.[1]);

async function postForm(agent: Agent, pageUrl: string, action: string, fields: Record<string, string | string[]>, expected = 303) {
  const page = await agent.get(pageUrl).expect(200);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfTokenIn(page.text), revision: String(revisionIn(page.text)), ...fields })
    .expect(expected);
}

/** Writes a whole module the way a trainer does: settings, a lesson, three questions, the assessment. */
async function authorModule(trainer: Agent): Promise<void> {
  const index = await trainer.get('/authoring').expect(200);
  await trainer
    .post('/authoring')
    .type('form')
    .send({ _csrf: csrfTokenIn(index.text), moduleId: MODULE, titleZh: '实验室危险化学品管理', track: 'safety' })
    .expect(303)
    .expect('Location', `/authoring/${MODULE}`);

  await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/settings`, {
    titleZh: '实验室危险化学品管理',
    titleEn: 'Laboratory chemicals',
    summaryZh: '危险化学品的存放、领用和应急处置。',
    track: 'safety',
    category: 'safety',
    creditHours: '1.5',
    minSecondsPerLesson: '',
  });
  await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons`, {});
  await postForm(trainer, `/authoring/${MODULE}/lessons/0`, `/authoring/${MODULE}/lessons/0`, {
    id: 'storage',
    title: '存放与领用',
    titleEn: 'Storage and sign-out',
    minutes: '6',
    markdown: '## 专柜存放\n\n危险化学品存放在**专用库房**，双人双锁，领用登记。',
  });

  await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/items`, { type: 'single' });
  await postForm(trainer, `/authoring/${MODULE}/items/0`, `/authoring/${MODULE}/items/0`, {
    id: 'lab-1',
    stem: '危险化学品应当如何存放？',
    'options.0.text': '放在教室讲台下',
    'options.1.text': '专用库房，双人双锁',
    'options.1.feedback': '正确：专库专柜，双人管理。',
    'options.2.text': '由学生自行保管',
    answer: '1',
    difficulty: 'easy',
    tags: 'storage',
    points: '1',
    feedback: '危险化学品必须专库存放、双人双锁、领用登记。',
  });
  await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/items`, { type: 'true-false' });
  await postForm(trainer, `/authoring/${MODULE}/items/1`, `/authoring/${MODULE}/items/1`, {
    id: 'lab-2',
    stem: '领用危险化学品需要登记。',
    answer: 'true',
    difficulty: 'easy',
    tags: 'storage',
    points: '1',
    feedback: '领用、归还都要登记，做到账物相符。',
  });
  await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/items`, { type: 'ordering' });
  await postForm(trainer, `/authoring/${MODULE}/items/2`, `/authoring/${MODULE}/items/2`, {
    id: 'lab-3',
    stem: '发生少量泄漏时，按顺序排列处置步骤。',
    'options.0.text': '疏散附近学生',
    'options.1.text': '报告安全负责人',
    'options.2.text': '按预案清理并记录',
    difficulty: 'medium',
    tags: 'emergency',
    points: '2',
    feedback: '先保人员安全，再报告，最后按预案处置。',
  });
  await postForm(trainer, `/authoring/${MODULE}/assessment`, `/authoring/${MODULE}/assessment`, {
    enabled: 'on',
    passMark: '60',
    maxAttempts: '3',
    cooldownMinutes: '0',
    countedAttempt: 'highest',
    review: 'after-each-attempt',
    shuffleItems: 'on',
    shuffleOptions: 'on',
    'pools.0.bank': MODULE,
    'pools.0.draw': '3',
  });
}

/** Answers every question of a page correctly, from the draft's key as the trainer wrote it. */
function correctPreviewAnswers(html: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  const single = /<legend>[\s\S]*?危险化学品应当如何存放？[\s\S]*?<\/fieldset>/.exec(html)![0];
  const [, singleName, singleValue] = /name="([^"]+)" value="(\d+)"> 专用库房，双人双锁/.exec(single)!;
  fields[singleName!] = singleValue!;
  const tf = /<legend>[\s\S]*?领用危险化学品需要登记。[\s\S]*?<\/fieldset>/.exec(html)![0];
  fields[/name="([^"]+)" value="true"/.exec(tf)![1]!] = 'true';
  const ordering = /<legend>[\s\S]*?按顺序排列处置步骤。[\s\S]*?<\/fieldset>/.exec(html)![0];
  ['疏散附近学生', '报告安全负责人', '按预案清理并记录'].forEach((step, position) => {
    const label = new RegExp(`<label for="([^"]+)">${step}</label>\\s*<select id="[^"]+" name="([^"]+)"`).exec(ordering)!;
    fields[label[2]!] = String(position + 1);
  });
  return fields;
}

describe('authoring over HTTP: create → edit → preview → publish → learners', () => {
  const clock = new TestClock();
  let app: ReturnType<typeof testApp>;
  let trainer: Agent;

  beforeAll(async () => {
    app = testApp({ clock: clock.now });
    trainer = await signIn(app, '培训者王老师', '', 'trainer');
  });

  it('keeps learners and registrars out of the workspace', async () => {
    const learner = await signIn(app, '学员甲');
    await learner.get('/authoring').expect(403);
    await request(app).get('/authoring').expect(401);
    await signIn(app, '学时管理员', '', 'learner').then((registrarLike) => registrarLike.get(`/authoring/${MODULE}`).expect(403));
  });

  it('shows an empty workspace with a way to start', async () => {
    const page = await trainer.get('/authoring').expect(200);
    expect(page.text).toContain('还没有你可以编辑的模块');
    expect(page.text).toContain('name="moduleId"');
  });

  it('writes a module whose validation errors point at the fields, until it is complete', async () => {
    const index = await trainer.get('/authoring').expect(200);
    await trainer.post('/authoring').type('form').send({ _csrf: csrfTokenIn(index.text), moduleId: 'Bad Id', titleZh: 'x', track: 'safety' }).expect(400);

    await authorModule(trainer);
    expect((await getDraft(MODULE))!.manifest.assessment).toMatchObject({ passMark: 60, maxAttempts: 3, pools: [{ bank: MODULE, draw: 3 }] });
    const overview = await trainer.get(`/authoring/${MODULE}`).expect(200);
    expect(overview.text).toContain('草稿符合课程格式的全部规则');
    expect(overview.text).toContain('存放与领用');
    expect(overview.text.match(/href="\/authoring\/safety-lab-chemicals\/items\/\d"/g)).toHaveLength(3);

    // An invalid edit is kept (it is a draft) and reported next to its field, in the checker's words.
    await postForm(trainer, `/authoring/${MODULE}/items/0`, `/authoring/${MODULE}/items/0`, {
      id: 'lab-1',
      stem: '危险化学品应当如何存放？',
      'options.0.text': '放在教室讲台下',
      'options.1.text': '专用库房，双人双锁',
      difficulty: 'easy',
      tags: '',
      points: '1',
      feedback: '危险化学品必须专库存放。',
    });
    const item = await trainer.get(`/authoring/${MODULE}/items/0`).expect(200);
    expect(item.text).toMatch(/id="tags"[^>]*aria-invalid="true"/);
    expect(item.text).toContain('<p class="field-error" id="tags-error">至少需要 1 项</p>');
    expect(item.text).toContain('<p class="field-error" id="answer-error">请标出正确答案</p>');
    const english = await trainer.get(`/authoring/${MODULE}/items/0?lang=en`).expect(200);
    expect(english.text).toContain('<p class="field-error" id="tags-error">needs at least 1</p>');
    await trainer.get(`/authoring/${MODULE}/items/0?lang=zh-CN`).expect(200);
    expect(item.text).toContain('id="answer-error"');
    const publishPage = await trainer.get(`/authoring/${MODULE}/publish`).expect(200);
    expect(publishPage.text).toContain('草稿还有问题');
    expect(publishPage.text).not.toContain(`action="/authoring/${MODULE}/publish"`);

    await postForm(trainer, `/authoring/${MODULE}/items/0`, `/authoring/${MODULE}/items/0`, {
      id: 'lab-1',
      stem: '危险化学品应当如何存放？',
      'options.0.id': 'a',
      'options.0.text': '放在教室讲台下',
      'options.1.id': 'b',
      'options.1.text': '专用库房，双人双锁',
      'options.1.feedback': '正确：专库专柜，双人管理。',
      'options.2.text': '由学生自行保管',
      answer: '1',
      difficulty: 'easy',
      tags: 'storage',
      points: '1',
      feedback: '危险化学品必须专库存放、双人双锁、领用登记。',
    });
    expect((await trainer.get(`/authoring/${MODULE}`).expect(200)).text).toContain('草稿符合课程格式的全部规则');
  });

  it('previews lessons and the quiz as a learner, grading without recording anything', async () => {
    const preview = await trainer.get(`/authoring/${MODULE}/preview`).expect(200);
    expect(preview.text).toContain('<h2>专柜存放</h2>');
    expect(preview.text).toContain('<strong>专用库房</strong>');
    expect(preview.text.match(/<fieldset class="question/g)).toHaveLength(3);
    const seed = /name="seed" value="([^"]+)"/.exec(preview.text)![1]!;
    const graded = await trainer
      .post(`/authoring/${MODULE}/preview`)
      .type('form')
      .send({ _csrf: csrfTokenIn(preview.text), seed, ...correctPreviewAnswers(preview.text) })
      .expect(200);
    expect(graded.text).toContain('<p class="score-number">100%</p>');
    expect(graded.text).toContain('正确：专库专柜，双人管理。');
    expect(await AttemptModel.countDocuments({})).toBe(0);
    expect(await AttemptResultModel.countDocuments({})).toBe(0);
    expect(await ModuleVersionModel.countDocuments({ moduleId: MODULE })).toBe(0);
  });

  it('shows what will be published, then publishes version 1 with its bank', async () => {
    const page = await trainer.get(`/authoring/${MODULE}/publish`).expect(200);
    expect(page.text).toContain('将发布为第 1 版');
    expect(page.text).toMatch(/新增题目<\/dt><dd><code>lab-1<\/code> <code>lab-2<\/code> <code>lab-3<\/code>/);
    await trainer
      .post(`/authoring/${MODULE}/publish`)
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), revision: String(revisionIn(page.text)) })
      .expect(303)
      .expect('Location', `/authoring/${MODULE}?published=1`);
    const stored = await ModuleVersionModel.findOne({ moduleId: MODULE, version: 1 }).lean();
    expect(stored).toMatchObject({ creditHours: 1.5, title: { 'zh-CN': '实验室危险化学品管理', en: 'Laboratory chemicals' } });
    expect(stored!.lessons[0]!.html).toContain('<strong>专用库房</strong>');
    expect(await BankVersionModel.countDocuments({ bankId: MODULE })).toBe(1);
    const overview = await trainer.get(`/authoring/${MODULE}?published=1`).expect(200);
    expect(overview.text).toContain('已发布第 1 版');
    expect(overview.text).toContain('发布第 1 版');
  });

  it('lets a learner take version 1, finish it after version 2 appears, and gives new learners version 2', async () => {
    const early = await signIn(app, '学员早');
    const lesson = await early.get(`/modules/${MODULE}/v/1/lessons/storage`).expect(200);
    await early.post(`/modules/${MODULE}/v/1/lessons/storage/studied`).type('form').send({ _csrf: csrfTokenIn(lesson.text) }).expect(303);
    const modulePage = await early.get(`/modules/${MODULE}`).expect(200);
    const started = await early.post(`/modules/${MODULE}/v/1/attempts`).type('form').send({ _csrf: csrfTokenIn(modulePage.text) }).expect(303);
    const attemptUrl = started.headers.location!;

    // The trainer changes the lesson and adds a question, then publishes version 2.
    await postForm(trainer, `/authoring/${MODULE}/lessons/0`, `/authoring/${MODULE}/lessons/0`, {
      id: 'storage',
      title: '存放与领用',
      titleEn: 'Storage and sign-out',
      minutes: '6',
      markdown: '## 专柜存放\n\n危险化学品存放在**专用库房**，双人双锁，领用登记，每月盘点。',
    });
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/items`, { type: 'true-false' });
    await postForm(trainer, `/authoring/${MODULE}/items/3`, `/authoring/${MODULE}/items/3`, {
      id: 'lab-4',
      stem: '危险化学品每月盘点一次。',
      answer: 'true',
      difficulty: 'easy',
      tags: 'storage',
      points: '1',
      feedback: '定期盘点，账物相符。',
    });
    const publishPage = await trainer.get(`/authoring/${MODULE}/publish`).expect(200);
    expect(publishPage.text).toContain('与已发布的第 1 版相比');
    expect(publishPage.text).toMatch(/修改课节<\/dt><dd><code>storage<\/code>/);
    expect(publishPage.text).toMatch(/新增题目<\/dt><dd><code>lab-4<\/code> <\/dd>/);
    expect(publishPage.text).not.toContain('删除题目');
    await trainer
      .post(`/authoring/${MODULE}/publish`)
      .type('form')
      .send({ _csrf: csrfTokenIn(publishPage.text), revision: String(revisionIn(publishPage.text)) })
      .expect(303);
    expect((await ModuleVersionModel.find({ moduleId: MODULE }).lean()).map((m) => m.version).sort()).toEqual([1, 2]);
    expect((await ModuleVersionModel.findOne({ moduleId: MODULE, version: 1 }).lean())!.lessons[0]!.markdown).not.toContain('每月盘点');

    // The early learner finishes the attempt they started, on version 1.
    const attemptPage = await early.get(attemptUrl).expect(200);
    expect(attemptPage.text).not.toContain('危险化学品每月盘点一次');
    await early.post(`${attemptUrl}/submit`).type('form').send({ _csrf: csrfTokenIn(attemptPage.text) }).expect(303);
    const attempt = await AttemptModel.findOne({ moduleId: MODULE }).lean();
    expect(attempt!.moduleVersion).toBe(1);
    expect(await AttemptResultModel.countDocuments({ attemptId: attempt!.attemptId })).toBe(1);

    // Someone starting now studies version 2.
    const late = await signIn(app, '学员晚');
    const latePage = await late.get(`/modules/${MODULE}`).expect(200);
    expect(latePage.text).toContain(`/modules/${MODULE}/v/2/lessons/storage`);
    expect((await late.get(`/modules/${MODULE}/v/2/lessons/storage`).expect(200)).text).toContain('每月盘点');
  });

  it('audits every change with who, when and what', async () => {
    const entries = await AuthoringAuditModel.find({ draftId: MODULE }).sort({ at: 1 }).lean();
    expect(entries[0]).toMatchObject({ action: 'create', userName: '培训者王老师' });
    expect(entries.filter((e) => e.action === 'publish').map((e) => e.version)).toEqual([1, 2]);
    expect(entries.some((e) => e.action === 'save' && e.changes.includes('item+ lab-4'))).toBe(true);
    expect(entries.some((e) => e.action === 'save' && e.changes.includes('lesson~ storage'))).toBe(true);
    const overview = await trainer.get(`/authoring/${MODULE}`).expect(200);
    expect(overview.text).toContain('<code>item+ lab-4</code>');
    expect(await DraftRevisionModel.countDocuments({ draftId: MODULE })).toBeGreaterThan(5);
  });

  it('lets only owners, their editors and admins change a module', async () => {
    const stranger = await signIn(app, '培训者李老师', '', 'trainer');
    await stranger.get(`/authoring/${MODULE}`).expect(403);
    const list = await stranger.get('/authoring').expect(200);
    expect(list.text).not.toContain(`href="/authoring/${MODULE}"`);
    await stranger.post(`/authoring/${MODULE}/settings`).type('form').send({ _csrf: csrfTokenIn(list.text), revision: '1', titleZh: 'x', track: 'safety', category: 'safety', creditHours: '1' }).expect(403);

    const admin = await signIn(app, '管理员', '', 'admin');
    await admin.get(`/authoring/${MODULE}`).expect(200);

    // The owner makes the stranger an editor; now they may edit but not choose editors.
    const strangerId = String((await UserModel.findOne({ displayName: '培训者李老师' }).lean())!._id);
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/editors`, { action: 'add', userId: strangerId });
    const asEditor = await stranger.get(`/authoring/${MODULE}`).expect(200);
    expect(asEditor.text).not.toContain(`action="/authoring/${MODULE}/editors"`);
    await postForm(stranger, `/authoring/${MODULE}`, `/authoring/${MODULE}/editors`, { action: 'remove', userId: strangerId }, 403);
  });

  it('reorders and deletes lessons', async () => {
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons`, {});
    const ids = async () => (await getDraft(MODULE))!.lessons.map((lesson) => lesson.id);
    expect(await ids()).toEqual(['storage', 'lesson-2']);
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons/1/move`, { direction: 'up' });
    expect(await ids()).toEqual(['lesson-2', 'storage']);
    expect((await getDraft(MODULE))!.manifest.lessons).toEqual(['lessons/01-lesson-2.md', 'lessons/02-storage.md']);
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons/0/move`, { direction: 'delete' });
    expect(await ids()).toEqual(['storage']);
    await postForm(trainer, `/authoring/${MODULE}`, `/authoring/${MODULE}/lessons/0/move`, { direction: 'sideways' }, 404);
  });
});

describe('editing a module that came from courses/', () => {
  let app: ReturnType<typeof testApp>;

  beforeAll(async () => {
    const fixture = quizCourses('safety-from-files');
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    app = testApp();
  });

  it('is opened by an admin, shows no changes until edited, and publishes version 2 beside the file version', async () => {
    const trainer = await signIn(app, '培训者赵老师', '', 'trainer');
    const trainerList = await trainer.get('/authoring').expect(200);
    expect(trainerList.text).not.toContain('/authoring/open/safety-from-files');
    await trainer.post('/authoring/open/safety-from-files').type('form').send({ _csrf: csrfTokenIn(trainerList.text) }).expect(403);
    // Neither a published module's id nor a published bank's id can start a new module.
    for (const taken of ['safety-from-files', 'quiz-web-bank']) {
      const refused = await trainer.post('/authoring').type('form').send({ _csrf: csrfTokenIn(trainerList.text), moduleId: taken, titleZh: '重名', track: 'safety' }).expect(400);
      expect(refused.text).toContain(`编号“${taken}”已被使用`);
    }

    const admin = await signIn(app, '区管理员', '', 'admin');
    const list = await admin.get('/authoring').expect(200);
    expect(list.text).toContain('action="/authoring/open/safety-from-files"');
    await admin.post('/authoring/open/safety-from-files').type('form').send({ _csrf: csrfTokenIn(list.text) }).expect(303).expect('Location', '/authoring/safety-from-files');
    const overview = await admin.get('/authoring/safety-from-files').expect(200);
    expect(overview.text).toContain('已发布到第 1 版');
    expect(overview.text).toContain('草稿符合课程格式的全部规则');
    expect((await admin.get('/authoring/safety-from-files/publish').expect(200)).text).toContain('与已发布版本相比没有改动');

    await postForm(admin, '/authoring/safety-from-files/assessment', '/authoring/safety-from-files/assessment', {
      enabled: 'on',
      passMark: '90',
      countedAttempt: 'highest',
      review: 'after-pass',
      shuffleItems: 'on',
      shuffleOptions: 'on',
      'pools.0.bank': 'quiz-web-bank',
      'pools.0.draw': '5',
    });
    const publishPage = await admin.get('/authoring/safety-from-files/publish').expect(200);
    expect(publishPage.text).toContain('与已发布的第 1 版相比（将发布为第 2 版）');
    expect(publishPage.text).toMatch(/<th scope="row">考核设置<\/th><td class="diff-value">[^<]*passMark: 80[^<]*<\/td><td class="diff-value">[^<]*passMark: 90/);
    expect(publishPage.text).not.toContain('新增题目');
    await admin.post('/authoring/safety-from-files/publish').type('form').send({ _csrf: csrfTokenIn(publishPage.text), revision: String(revisionIn(publishPage.text)) }).expect(303);
    expect((await ModuleVersionModel.findOne({ moduleId: 'safety-from-files', version: 2 }).lean())!.assessment).toMatchObject({ passMark: 90, review: 'after-pass' });
    // The bank's items did not change, so no new bank version was made.
    expect(await BankVersionModel.countDocuments({ bankId: 'quiz-web-bank' })).toBe(1);
  });

  it('explains, instead of failing, a preview whose pools compete for the same items', async () => {
    const admin = await signIn(app, '区管理员', '', 'admin');
    await postForm(admin, '/authoring/safety-from-files/assessment', '/authoring/safety-from-files/assessment', {
      enabled: 'on',
      passMark: '90',
      'pools.0.bank': 'quiz-web-bank',
      'pools.0.draw': '5',
      'pools.1.bank': 'quiz-web-bank',
      'pools.1.draw': '1',
    });
    const preview = await admin.get('/authoring/safety-from-files/preview').expect(400);
    expect(preview.text).toContain('无法按抽题规则抽出题目');
  });
});
