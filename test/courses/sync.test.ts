import { findLatestModule, findModuleVersion, listLatestModules, loadCatalog, ModuleVersionModel, syncCatalog } from '../../src/courses';
import { useTestDatabase } from '../support/database';
import { CoursesFixture } from '../support/course-fixtures';

useTestDatabase();

const load = (fixture: CoursesFixture) => {
  const catalog = loadCatalog(fixture.dir, fixture.dir);
  expect(catalog.errors).toEqual([]);
  return catalog;
};

describe('syncCatalog', () => {
  beforeEach(async () => {
    await ModuleVersionModel.deleteMany({});
  });

  it('publishes once and is idempotent on re-import', async () => {
    const catalog = load(new CoursesFixture().module('homeroom-new-a'));
    expect(await syncCatalog(catalog)).toEqual({ published: ['module homeroom-new-a@1'], unchanged: [], conflicts: [] });
    expect(await syncCatalog(catalog)).toEqual({ published: [], unchanged: ['module homeroom-new-a@1'], conflicts: [] });
    expect(await ModuleVersionModel.countDocuments({ moduleId: 'homeroom-new-a' })).toBe(1);
  });

  it('survives concurrent imports of the same catalog', async () => {
    const catalog = load(new CoursesFixture().module('homeroom-new-race'));
    const reports = await Promise.all([syncCatalog(catalog), syncCatalog(catalog), syncCatalog(catalog)]);
    expect(reports.flatMap((r) => r.published)).toEqual(['module homeroom-new-race@1']);
    expect(await ModuleVersionModel.countDocuments({ moduleId: 'homeroom-new-race' })).toBe(1);
  });

  it('publishes a new version beside the old one, which stays readable', async () => {
    await syncCatalog(load(new CoursesFixture().module('homeroom-new-b')));
    const v2 = new CoursesFixture().module('homeroom-new-b', {
      version: 2,
      lessons: [{ file: 'lessons/01-only.md', id: 'only', title: '新版唯一课节', body: '新的内容' }],
    });
    expect((await syncCatalog(load(v2))).published).toEqual(['module homeroom-new-b@2']);
    expect((await findLatestModule('homeroom-new-b'))?.version).toBe(2);
    expect((await findModuleVersion('homeroom-new-b', 1))?.lessons.map((l) => l.id)).toEqual(['first', 'second']);
    const listed = (await listLatestModules()).flatMap((group) => group.modules);
    expect(listed.filter((m) => m.moduleId === 'homeroom-new-b')).toEqual([expect.objectContaining({ version: 2, lessonCount: 1 })]);
  });

  it('refuses to change a published version in place', async () => {
    await syncCatalog(load(new CoursesFixture().module('homeroom-new-c')));
    const edited = new CoursesFixture().module('homeroom-new-c', {
      lessons: [{ file: 'lessons/01-first.md', id: 'first', title: '悄悄改过的标题', body: '改过的正文' }],
    });
    expect(await syncCatalog(load(edited))).toEqual({ published: [], unchanged: [], conflicts: ['module homeroom-new-c@1'] });
    expect((await findModuleVersion('homeroom-new-c', 1))?.lessons[0]?.title).toBe('第一课');
  });

  it('stores lesson HTML rendered and sanitised at import', async () => {
    const hostile = new CoursesFixture().module('homeroom-new-d', {
      lessons: [{ file: 'lessons/01-x.md', id: 'x', title: '标题', body: '<script>alert(1)</script>\n\n[x](javascript:alert(1))' }],
    });
    await syncCatalog(load(hostile));
    const stored = await findModuleVersion('homeroom-new-d', 1);
    expect(stored?.lessons[0]?.markdown).toContain('<script>');
    expect(stored?.lessons[0]?.html).not.toMatch(/<script|href="javascript/);
  });
});
