import path from 'node:path';
import {
  canEdit,
  createDraft,
  diffDraftAgainstPublished,
  draftFromPublished,
  DraftExistsError,
  saveDraft,
  validateDraft,
  type Author,
  type DraftBank,
} from '../../src/authoring';
import { contentHashOf, loadCatalog, syncCatalog, type LoadedCatalog } from '../../src/courses';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const now = new Date('2026-09-01T08:00:00Z');
const admin: Author = { _id: '64b0000000000000000000aa', displayName: '管理员', roles: ['admin'] };
const trainer: Author = { _id: '64b0000000000000000000bb', displayName: '王老师', roles: ['trainer'] };
const otherTrainer: Author = { _id: '64b0000000000000000000cc', displayName: '李老师', roles: ['trainer'] };

describe('drafts of the shipped catalog', () => {
  let catalog: LoadedCatalog;

  beforeAll(async () => {
    const root = path.resolve(__dirname, '..', '..');
    catalog = loadCatalog(path.join(root, 'courses'), root);
    expect(catalog.errors).toEqual([]);
    await syncCatalog(catalog, now);
  });

  it('opens every module as a draft that passes the checker unchanged, differs from nothing, and hashes like the file', async () => {
    for (const loaded of catalog.modules) {
      const draft = await draftFromPublished(loaded.manifest.id, admin, now);
      const validation = await validateDraft(draft);
      expect({ module: loaded.manifest.id, errors: validation.errors }).toEqual({ module: loaded.manifest.id, errors: [] });
      const diff = await diffDraftAgainstPublished(draft);
      expect({ module: loaded.manifest.id, empty: diff.empty, diff }).toMatchObject({ module: loaded.manifest.id, empty: true });
      // The candidate has exactly the loader's shape: at the file's version it hashes the same.
      const { manifest, lessons } = validation.candidate!;
      expect(contentHashOf({ manifest: { ...manifest, version: loaded.manifest.version }, lessons })).toBe(loaded.contentHash);
      const bank = catalog.banks.find((b) => b.bank.id === draft.bank?.id);
      expect(contentHashOf({ ...validation.candidate!.bank!, version: bank!.bank.version })).toBe(bank!.contentHash);
    }
  });

  it('keeps one draft per module, however many people open it', async () => {
    const [a, b] = await Promise.all([draftFromPublished('safety-fire', trainer, now), draftFromPublished('safety-fire', otherTrainer, now)]);
    expect(a._id).toBe(b._id);
    expect(a.revision).toBe(b.revision);
    await expect(createDraft({ moduleId: 'safety-fire' }, trainer, now)).rejects.toBeInstanceOf(DraftExistsError);
  });
});

describe('validateDraft', () => {
  const bank = (items: unknown[]): DraftBank => ({ id: 'check-module', version: 1, track: 'safety', title: { 'zh-CN': '题库' }, items: items as DraftBank['items'] });
  const goodItem = {
    id: 'q1',
    type: 'single',
    stem: '题干',
    difficulty: 'easy',
    tags: ['t'],
    feedback: '解析',
    options: [
      { id: 'a', text: '甲' },
      { id: 'b', text: '乙' },
    ],
    answer: 'a',
  };

  it('reports every broken rule at its field, in the words of the course checker', async () => {
    const draft = await createDraft(
      {
        moduleId: 'check-module',
        manifest: { title: { 'zh-CN': '  ' }, creditHours: 0, assessment: { passMark: 80, pools: [{ bank: 'check-module', draw: 3 }] } },
        lessons: [
          { id: 'one', title: '第一课', minutes: 5, markdown: '正文' },
          { id: 'one', title: '', minutes: 90, markdown: '   ' },
        ],
        bank: bank([goodItem, { ...goodItem, id: 'q2', answer: 'z' }]),
      },
      trainer,
      now,
    );
    const { ok, errors } = await validateDraft(draft);
    expect(ok).toBe(false);
    const at = (p: string) => errors.filter((e) => e.path === p).map((e) => e.message);
    expect(at('manifest.title.zh-CN')).toEqual(['must not be empty']);
    expect(at('manifest.creditHours')).toHaveLength(1);
    expect(at('lessons.1.id')).toEqual(['lesson id "one" is already used by lesson 1']);
    expect(at('lessons.1.title')).toEqual(['must not be empty']);
    expect(at('lessons.1.minutes')).toHaveLength(1);
    expect(at('lessons.1.markdown')).toEqual(['the lesson has no content after its front matter']);
    expect(at('bank.items.1.answer')).toEqual(['answer names option "z", which is not among the options']);
    // The bank has errors, so (as in the loader) its pools are not checked against it yet.
    expect(at('manifest.assessment.pools.0')).toEqual([]);

    const fixed = await saveDraft(draft._id, 1, { bank: bank([goodItem, { ...goodItem, id: 'q2' }]) }, trainer, now);
    expect((await validateDraft(fixed)).errors.filter((e) => e.path.startsWith('manifest.assessment'))).toEqual([
      { path: 'manifest.assessment.pools.0', message: 'draws 3 items but bank "check-module" has only 2' },
    ]);
  });

  it('checks pools that draw from other, published banks', async () => {
    const draft = await createDraft(
      {
        moduleId: 'borrowing-module',
        manifest: { title: { 'zh-CN': '借用题库' }, creditHours: 1, assessment: { passMark: 80, pools: [{ bank: 'safety-fire', draw: 2 }, { bank: 'no-such-bank', draw: 1 }] } },
        lessons: [{ id: 'one', title: '第一课', minutes: 5, markdown: '正文' }],
      },
      trainer,
      now,
    );
    expect((await validateDraft(draft)).errors).toEqual([{ path: 'manifest.assessment.pools.1', message: 'bank "no-such-bank" does not exist (or has errors)' }]);
  });
});

describe('canEdit', () => {
  const draft = { owners: [String(trainer._id)], editors: [String(otherTrainer._id)] };

  it('lets owners, editors and admins change a draft, and no one else', () => {
    expect(canEdit(trainer, draft)).toBe(true);
    expect(canEdit(otherTrainer, draft)).toBe(true);
    expect(canEdit(admin, draft)).toBe(true);
    expect(canEdit({ _id: '64b0000000000000000000dd', displayName: '张老师', roles: ['trainer'] }, draft)).toBe(false);
    // An owner who is no longer a trainer (a learner account now) cannot.
    expect(canEdit({ ...trainer, roles: ['learner'] }, draft)).toBe(false);
  });
});
