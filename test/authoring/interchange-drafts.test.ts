import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createDraft, DraftExistsError, getDraft, listAudit, saveDraft, type Author } from '../../src/authoring';
import {
  addQuestionsToDraft,
  applyImport,
  exportDraftZip,
  exportPublishedZip,
  ImportHasErrorsError,
  ImportPlanChangedError,
  planImport,
  writeBundleZip,
  writeCourseZip,
  type CourseBundle,
} from '../../src/authoring/interchange';
import { DraftConflictError } from '../../src/authoring';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const ROOT = path.resolve(__dirname, '..', '..');
const now = new Date('2026-09-01T08:00:00Z');
const admin: Author = { _id: 'admin-1', displayName: '区教研室管理员', roles: ['admin'] };
const trainer: Author = { _id: 'trainer-1', displayName: '王培训', roles: ['trainer'] };
const otherTrainer: Author = { _id: 'trainer-2', displayName: '李培训', roles: ['trainer'] };

const unzipText = (zip: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, new TextDecoder().decode(data)]));
const zipOf = (files: Record<string, string>) => writeCourseZip(Object.entries(files).map(([p, text]) => ({ path: p, text })));

function newModule(id: string): CourseBundle {
  return {
    modules: [
      {
        manifest: {
          id,
          version: 1,
          title: { 'zh-CN': '防溺水“七不”' },
          track: 'safety',
          category: 'safety',
          creditHours: 1,
          lessons: ['lessons/01-seven-donts.md'],
          completion: {},
          assessment: { passMark: 80, cooldownMinutes: 0, countedAttempt: 'highest', review: 'after-each-attempt', shuffleItems: true, shuffleOptions: true, pools: [{ bank: id, draw: 1 }] },
        },
        lessons: [{ path: 'lessons/01-seven-donts.md', id: 'seven-donts', title: '七不', minutes: 5, markdown: '## 七不\n\n不私自下水游泳。' }],
      },
    ],
    banks: [
      {
        id,
        version: 1,
        track: 'safety',
        title: { 'zh-CN': '防溺水' },
        items: [{ id: 'water-001', type: 'true-false', stem: '没有家长带领可以去河边游泳。', difficulty: 'easy', tags: ['rules'], points: 1, answer: false, feedback: '“七不”要求不在无家长或教师带领时游泳。' }],
      },
    ],
  };
}

beforeAll(async () => {
  const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
  const keep = (id: string) => id === 'safety-fire' || id === 'safety-drowning';
  await syncCatalog({ modules: catalog.modules.filter((m) => keep(m.manifest.id)), banks: catalog.banks.filter((b) => keep(b.bank.id)), errors: [] }, now);
});

describe('export', () => {
  it('exports a published module with its bank as files that pass the course checker', async () => {
    const { bytes, fileName } = await exportPublishedZip(['safety-fire']);
    expect(fileName).toBe('shixun-safety-fire.zip');
    const files = unzipText(bytes);
    expect(Object.keys(files)).toEqual([
      'courses/banks/safety-fire.yaml',
      'courses/modules/safety-fire/lessons/01-inspection-and-facilities.md',
      'courses/modules/safety-fire/lessons/02-evacuation-and-drills.md',
      'courses/modules/safety-fire/lessons/03-first-response.md',
      'courses/modules/safety-fire/module.yaml',
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), 'shixun-export-'));
    try {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), text);
      }
      const checked = loadCatalog(path.join(dir, 'courses'), dir);
      expect(checked.errors).toEqual([]);
      expect(checked.modules.map((m) => m.manifest.id)).toEqual(['safety-fire']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the whole catalog', async () => {
    const { moduleIds, bytes } = await exportPublishedZip();
    expect(moduleIds).toEqual(['safety-drowning', 'safety-fire']);
    expect(Object.keys(unzipText(bytes)).filter((name) => name.startsWith('courses/banks/'))).toEqual(['courses/banks/safety-drowning.yaml', 'courses/banks/safety-fire.yaml']);
  });
});

describe('import into drafts', () => {
  it('reports an unchanged published module as unchanged, and writes nothing', async () => {
    const { bytes } = await exportPublishedZip(['safety-fire']);
    const plan = await planImport(bytes, admin);
    expect(plan.errors).toEqual([]);
    expect(plan.modules).toEqual([expect.objectContaining({ moduleId: 'safety-fire', action: 'unchanged', baseVersion: 1, bankId: 'safety-fire' })]);
    expect(await applyImport(bytes, admin, now, plan.fingerprint)).toEqual({ created: [], updated: [], unchanged: ['safety-fire'], refused: [], conflicts: [] });
    expect(await getDraft('safety-fire')).toBeNull();
  });

  it('updates a published module through a draft, for an admin only, and audits it', async () => {
    const files = unzipText((await exportPublishedZip(['safety-drowning'])).bytes);
    const lessonPath = Object.keys(files).find((name) => name.includes('/lessons/01-'))!;
    files[lessonPath] = `${files[lessonPath]}\n补充：暑假前再提醒一次。\n`;
    const zip = zipOf(files);

    const refused = await planImport(zip, trainer);
    expect(refused.modules).toEqual([expect.objectContaining({ action: 'refused', reason: 'adminOpensPublished' })]);

    const plan = await planImport(zip, admin);
    expect(plan.modules).toEqual([expect.objectContaining({ moduleId: 'safety-drowning', action: 'update', changedFiles: [lessonPath] })]);
    expect(await applyImport(zip, admin, now, plan.fingerprint)).toMatchObject({ updated: ['safety-drowning'] });
    const draft = await getDraft('safety-drowning');
    expect(draft?.lessons[0]?.markdown).toContain('补充：暑假前再提醒一次。');
    expect(draft?.baseVersion).toBe(1);
    // Both entries carry the same time, so their order is not asserted.
    expect((await listAudit('safety-drowning')).map((entry) => `${entry.action} ${entry.userName} ${entry.revision}`).sort()).toEqual([
      'create 区教研室管理员 1',
      'save 区教研室管理员 2',
    ]);
  });

  it('creates a new module as a draft, and the draft exports to exactly the zip it came from', async () => {
    const zip = writeBundleZip(newModule('safety-water-rules'));
    const plan = await planImport(zip, trainer);
    expect(plan.modules).toEqual([expect.objectContaining({ moduleId: 'safety-water-rules', action: 'create', lessonCount: 1, itemCount: 1 })]);
    expect(await applyImport(zip, trainer, now, plan.fingerprint)).toMatchObject({ created: ['safety-water-rules'] });

    const draft = (await getDraft('safety-water-rules'))!;
    expect(draft.owners).toEqual(['trainer-1']);
    const exported = await exportDraftZip(draft);
    expect(exported.fileName).toBe('shixun-safety-water-rules.zip');
    expect(Buffer.from(exported.bytes).equals(Buffer.from(zip))).toBe(true);

    // Importing the same zip again changes nothing; another trainer may not change the draft.
    expect((await planImport(zip, trainer)).modules[0]).toMatchObject({ action: 'unchanged', revision: 1 });
    expect((await planImport(writeBundleZip(newModule('safety-water-rules')), otherTrainer)).modules[0]).toMatchObject({ action: 'refused', reason: 'notEditor' });
  });

  it('refuses to apply when a draft changed after the dry run, or when the zip has errors', async () => {
    const bundle = newModule('safety-water-race');
    await applyImport(writeBundleZip(bundle), trainer, now, (await planImport(writeBundleZip(bundle), trainer)).fingerprint);
    bundle.modules[0]!.lessons[0]!.markdown = '## 七不\n\n不到无安全设施、无救护人员的水域游泳。';
    const zip = writeBundleZip(bundle);
    const plan = await planImport(zip, trainer);
    expect(plan.modules[0]).toMatchObject({ action: 'update', revision: 1 });

    await saveDraft('safety-water-race', 1, { editors: [] }, trainer, now);
    await expect(applyImport(zip, trainer, now, plan.fingerprint)).rejects.toBeInstanceOf(ImportPlanChangedError);

    const broken = zipOf({ ...unzipText(zip), 'courses/banks/safety-water-race.yaml': 'id: safety-water-race\nversion: 1\n' });
    const brokenPlan = await planImport(broken, trainer);
    expect(brokenPlan.errors.map((e) => `${e.file}:${e.line}`)).toEqual(expect.arrayContaining(['courses/banks/safety-water-race.yaml:1']));
    await expect(applyImport(broken, trainer, now, brokenPlan.fingerprint)).rejects.toBeInstanceOf(ImportHasErrorsError);
  });

  it('does not let a zip create a module whose id is a reserved word', async () => {
    const plan = await planImport(writeBundleZip(newModule('export')), trainer);
    expect(plan.modules[0]).toMatchObject({ action: 'refused', reason: 'reservedId' });
    // The rule belongs to drafts themselves, so no other way in (the CLI, a page) gets round it.
    await expect(createDraft({ moduleId: 'import' }, trainer, now)).rejects.toBeInstanceOf(DraftExistsError);
  });
});

describe('questions into a draft bank', () => {
  it('appends converted GIFT items with ids continuing the bank, in one save', async () => {
    await applyImport(writeBundleZip(newModule('safety-water-quiz')), trainer, now, (await planImport(writeBundleZip(newModule('safety-water-quiz')), trainer)).fingerprint);
    const gift = '::q:: 发现同伴落水，你应该？ {=大声呼救并寻找成年人 ~立即下水施救#不会游泳的人下水施救很危险。####“七不”之一：不盲目下水施救。}\n\n::n:: 几个人？ {#3}\n';
    const { draft, imported } = await addQuestionsToDraft('safety-water-quiz', 1, 'gift', gift, trainer, now);
    expect(imported.problems).toEqual([{ line: 3, severity: 'error', code: 'unsupportedType', detail: 'Numerical' }]);
    expect(draft.revision).toBe(2);
    expect(draft.bank?.items.map((item) => item.id)).toEqual(['water-001', 'water-002']);
    await expect(addQuestionsToDraft('safety-water-quiz', 1, 'aiken', '问题？\nA. 是\nB. 否\nANSWER: A\n', trainer, now)).rejects.toBeInstanceOf(DraftConflictError);
  });
});
