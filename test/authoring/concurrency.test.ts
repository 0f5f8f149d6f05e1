import request from 'supertest';
import {
  createDraft,
  DraftConflictError,
  DraftRevisionModel,
  getDraft,
  publishDraft,
  PublishConflictError,
  saveDraft,
  type Author,
} from '../../src/authoring';
import { ModuleVersionModel } from '../../src/courses';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { csrfTokenIn, signIn, testApp } from '../support/web';

useTestDatabase();

const now = new Date('2026-09-01T08:00:00Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

function author(id: string, displayName: string, roles = ['trainer']): Author {
  return { _id: id, displayName, roles };
}

const lesson = { id: 'intro', title: '导入', minutes: 5, markdown: '## 导入\n\n正文。' };

describe('two people editing one draft', () => {
  const owner = author('64b000000000000000000001', '王老师');
  const editor = author('64b000000000000000000002', '李老师');

  it('lets exactly one of many simultaneous saves from the same revision win; the others hear who won', async () => {
    const draft = await createDraft({ moduleId: 'race-module', manifest: { title: { 'zh-CN': '并发' } } }, owner, now);
    await saveDraft(draft._id, 1, { editors: [editor._id.toString()] }, owner, now);
    const contenders = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? owner : editor));
    const outcomes = await Promise.allSettled(
      contenders.map((who, i) => saveDraft(draft._id, 2, { lessons: [{ ...lesson, title: `版本 ${i}` }] }, who, later(i))),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(5);
    for (const loss of lost) {
      expect(loss.reason).toBeInstanceOf(DraftConflictError);
      expect((loss.reason as DraftConflictError).latestRevision).toBe(3);
    }
    const latest = await getDraft(draft._id);
    expect(latest!.revision).toBe(3);
    expect(await DraftRevisionModel.countDocuments({ draftId: draft._id, revision: 3 })).toBe(1);
    // The winner's text is the draft; no loser's text was written anywhere.
    const written = (await DraftRevisionModel.find({ draftId: draft._id }).lean()).flatMap((r) => (r.lessons as { title: string }[]).map((l) => l.title));
    expect(written).toEqual([latest!.lessons[0]!.title]);
  });

  it('refuses a save from an old revision, naming who saved since and when', async () => {
    const draft = await createDraft({ moduleId: 'stale-module', manifest: { title: { 'zh-CN': '旧版' } } }, owner, now);
    await saveDraft(draft._id, 1, { lessons: [lesson] }, owner, later(1));
    const attempt = saveDraft(draft._id, 1, { lessons: [{ ...lesson, title: '覆盖' }] }, owner, later(2));
    await expect(attempt).rejects.toMatchObject({ savedBy: '王老师', latestRevision: 2, savedAt: later(1) });
    expect((await getDraft(draft._id))!.lessons[0]!.title).toBe('导入');
  });

  it('publishes one version when two people publish the same draft at once', async () => {
    const draft = await createDraft(
      {
        moduleId: 'double-publish',
        manifest: { title: { 'zh-CN': '同时发布' }, track: 'safety', category: 'safety', creditHours: 1 },
        lessons: [lesson],
      },
      owner,
      now,
    );
    const outcomes = await Promise.allSettled([publishDraft(draft._id, owner, now), publishDraft(draft._id, owner, now)]);
    const versions = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.version] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    // Both read "no version yet": the unique (id, version) index stores one, and the other finds the
    // same content already there (or, had the content differed, a PublishConflictError). Or they ran
    // one after the other and made versions 1 and 2.
    expect(refused.every((reason) => reason instanceof PublishConflictError)).toBe(true);
    expect([[1], [1, 1], [1, 2]]).toContainEqual(versions.sort());
    expect(await ModuleVersionModel.countDocuments({ moduleId: draft._id, version: 1 })).toBe(1);
  });
});

describe('conflicts over HTTP', () => {
  let app: ReturnType<typeof testApp>;
  beforeAll(() => {
    app = testApp();
  });

  it('tells the second trainer, in the page and in autosave, who saved and what to do; nothing is overwritten', async () => {
    const owner = await signIn(app, '王老师', '', 'trainer');
    const other = await signIn(app, '李老师', '', 'trainer');
    const index = await owner.get('/authoring').expect(200);
    await owner.post('/authoring').type('form').send({ _csrf: csrfTokenIn(index.text), moduleId: 'shared-module', titleZh: '共同编写', track: 'safety' }).expect(303);
    const otherId = String((await UserModel.findOne({ displayName: '李老师' }).lean())!._id);
    const overview = await owner.get('/authoring/shared-module').expect(200);
    await owner.post('/authoring/shared-module/editors').type('form').send({ _csrf: csrfTokenIn(overview.text), revision: '1', action: 'add', userId: otherId }).expect(303);

    // Both open the settings form at revision 2.
    const ownerPage = await owner.get('/authoring/shared-module').expect(200);
    const otherPage = await other.get('/authoring/shared-module').expect(200);
    const settings = { revision: '2', titleZh: '共同编写', track: 'safety', category: 'safety', creditHours: '1' };
    await owner.post('/authoring/shared-module/settings').type('form').send({ _csrf: csrfTokenIn(ownerPage.text), ...settings, titleEn: 'Written together' }).expect(303);

    const autosave = await other
      .post('/authoring/shared-module/settings')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: csrfTokenIn(otherPage.text), ...settings, titleEn: 'Mine' })
      .expect(409);
    expect(autosave.body.error).toMatchObject({ conflict: true, revision: 3 });
    expect(autosave.body.error.message).toMatch(/^王老师 在 \d\d:\d\d 保存了这个模块，你的修改没有保存。 请先复制你的修改，再刷新页面/);

    const form = await other
      .post('/authoring/shared-module/settings')
      .type('form')
      .send({ _csrf: csrfTokenIn(otherPage.text), ...settings, titleEn: 'Mine' })
      .expect(409);
    expect(form.text).toContain('王老师 在');
    expect(form.text).toContain('你的修改没有保存');
    expect(form.text).toContain('>Mine</textarea>');
    expect(form.text).toContain('href="/authoring/shared-module"');
    expect((await getDraft('shared-module'))!.manifest.title).toEqual({ 'zh-CN': '共同编写', en: 'Written together' });

    // Publishing what someone reviewed before a later save is refused the same way.
    const publishPage = await other.get('/authoring/shared-module/publish').expect(200);
    await owner.post('/authoring/shared-module/lessons').type('form').send({ _csrf: csrfTokenIn(ownerPage.text), revision: '3' }).expect(303);
    await other.post('/authoring/shared-module/publish').type('form').send({ _csrf: csrfTokenIn(publishPage.text), revision: '3' }).expect(409);
    expect(await ModuleVersionModel.countDocuments({ moduleId: 'shared-module' })).toBe(0);
  });

  it('refuses a form without CSRF token', async () => {
    await request(app).post('/authoring').type('form').send({ moduleId: 'x', titleZh: 'x', track: 'safety' }).expect(403);
  });
});
