import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COURSE_SCHEMA_FILE, loadCatalog, renderCourseJsonSchema } from '../../src/courses';
import { CoursesFixture } from '../support/course-fixtures';

const bank = (items: string) => `id: demo-bank
version: 1
track: safety
title:
  zh-CN: 示例题库
items:
${items}`;

const singleItem = (id: string, answer = 'a') => `  - id: ${id}
    type: single
    stem: 发现走廊冒烟，第一步做什么？
    difficulty: easy
    tags: [fire]
    options:
      - { id: a, text: 组织学生低姿撤离 }
      - { id: b, text: 乘电梯下楼 }
    answer: ${answer}
    feedback: 烟气上升，低姿撤离更安全。
`;

describe('loadCatalog', () => {
  it('loads a valid module with its lessons rendered', () => {
    const fixture = new CoursesFixture().module('homeroom-new-demo');
    const catalog = loadCatalog(fixture.dir, fixture.dir);
    expect(catalog.errors).toEqual([]);
    expect(catalog.modules).toHaveLength(1);
    const [module] = catalog.modules;
    expect(module!.manifest).toMatchObject({ id: 'homeroom-new-demo', version: 1, creditHours: 2.5, track: 'homeroom-new' });
    expect(module!.lessons.map((l) => l.id)).toEqual(['first', 'second']);
    expect(module!.lessons[0]!.html).toContain('<h2>要点</h2>');
  });

  it('validates the shipped catalog without errors', () => {
    const root = path.resolve(__dirname, '..', '..');
    const catalog = loadCatalog(path.join(root, 'courses'), root);
    expect(catalog.errors).toEqual([]);
    expect(catalog.modules.length).toBeGreaterThanOrEqual(1);
    expect(catalog.modules.some((m) => m.manifest.track === 'homeroom-new')).toBe(true);
  });

  it('reports every error with file and line, not just the first', () => {
    const fixture = new CoursesFixture()
      .write(
        'modules/bad-module/module.yaml',
        ['id: bad-module', 'version: 0', 'title:', '  zh-CN: 坏模块', 'track: homeroom-extra', 'category: homeroom-new', 'creditHours: -1', 'lessons:', '  - lessons/01-a.md', 'colour: red'].join('\n'),
      )
      .module('fine-module');
    const catalog = loadCatalog(fixture.dir, fixture.dir);
    const at = (line: number) => catalog.errors.filter((e) => e.file === 'modules/bad-module/module.yaml' && e.line === line);
    expect(at(2)[0]?.message).toMatch(/version/);
    expect(at(5)[0]?.message).toMatch(/track/);
    expect(at(7)[0]?.message).toMatch(/creditHours/);
    expect(at(10)[0]?.message).toBe('unknown field "colour"');
    expect(catalog.modules.map((m) => m.manifest.id)).toEqual(['fine-module']);
  });

  it('points at missing lesson files, bad front matter and YAML syntax errors', () => {
    const fixture = new CoursesFixture()
      .module('missing-lesson', { lessons: [] , extra: '' })
      .write('modules/missing-lesson/module.yaml', 'id: missing-lesson\nversion: 1\ntitle:\n  zh-CN: 缺课节\ntrack: safety\ncategory: safety\ncreditHours: 1\nlessons:\n  - lessons/01-there.md\n  - lessons/02-not-there.md\n')
      .write('modules/missing-lesson/lessons/01-there.md', '---\nid: there\ntitle: 在\nminutes: 90\n---\n正文')
      .write('modules/broken-yaml/module.yaml', 'id: broken-yaml\ntitle: [unclosed\n');
    const catalog = loadCatalog(fixture.dir, fixture.dir);
    expect(catalog.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'modules/missing-lesson/module.yaml', line: 10, message: expect.stringContaining('02-not-there.md') }),
        expect.objectContaining({ file: 'modules/missing-lesson/lessons/01-there.md', line: 4, message: expect.stringContaining('minutes') }),
        expect.objectContaining({ file: 'modules/broken-yaml/module.yaml', line: expect.any(Number) }),
      ]),
    );
    expect(catalog.modules).toEqual([]);
  });

  it('rejects a module whose id does not match its folder', () => {
    const fixture = new CoursesFixture().module('some-module').write('modules/other-name/module.yaml', 'id: some-module\n');
    const errors = loadCatalog(fixture.dir, fixture.dir).errors;
    expect(errors.some((e) => e.file === 'modules/other-name/module.yaml')).toBe(true);
  });

  describe('question banks', () => {
    it('accepts a valid bank and counts its items', () => {
      const fixture = new CoursesFixture().write('banks/demo-bank.yaml', bank(singleItem('q-1') + singleItem('q-2', 'b')));
      const catalog = loadCatalog(fixture.dir, fixture.dir);
      expect(catalog.errors).toEqual([]);
      expect(catalog.banks[0]!.bank.items).toHaveLength(2);
    });

    it('finds duplicate ids, answers naming missing options and missing feedback, each on its line', () => {
      const broken = singleItem('q-1') + singleItem('q-1') + singleItem('q-3', 'z') + singleItem('q-4').replace(/ {4}feedback:.*\n/, '');
      const fixture = new CoursesFixture().write('banks/demo-bank.yaml', bank(broken));
      const errors = loadCatalog(fixture.dir, fixture.dir).errors;
      const lines = (pattern: RegExp) => errors.filter((e) => pattern.test(e.message)).map((e) => e.line);
      expect(lines(/duplicate item id "q-1"/)).toEqual([17]);
      expect(lines(/option "z"/)).toEqual([35]);
      expect(lines(/feedback/)).toEqual([37]);
    });

    it('checks ordering and matching answers cover every option', () => {
      const items = `  - id: order-1
    type: ordering
    stem: 排列疏散步骤
    difficulty: medium
    tags: [drill]
    options:
      - { id: a, text: 发出警报 }
      - { id: b, text: 沿通道撤离 }
      - { id: c, text: 清点人数 }
    answer: [a, b]
    feedback: 先报警再撤离，最后清点。
  - id: match-1
    type: matching
    stem: 配对
    difficulty: easy
    tags: [days]
    premises:
      - { id: p1, text: 11月9日 }
      - { id: p2, text: 5月12日 }
    responses:
      - { id: r1, text: 消防日 }
      - { id: r2, text: 防灾减灾日 }
    answer: { p1: r9 }
    feedback: 11月9日是消防日。
`;
      const fixture = new CoursesFixture().write('banks/demo-bank.yaml', bank(items));
      const messages = loadCatalog(fixture.dir, fixture.dir).errors.map((e) => e.message);
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/every option exactly once/),
          expect.stringMatching(/"r9"/),
          expect.stringMatching(/premise "p2"/),
        ]),
      );
    });

    it('checks that assessment pools can be drawn', () => {
      const fixture = new CoursesFixture()
        .write('banks/demo-bank.yaml', bank(singleItem('q-1') + singleItem('q-2')))
        .module('pool-module', {
          extra: 'assessment:\n  passMark: 80\n  pools:\n    - bank: demo-bank\n      draw: 5\n    - bank: demo-bank\n      items: [q-1, q-404]\n    - bank: no-such-bank\n      draw: 1\n',
        });
      const errors = loadCatalog(fixture.dir, fixture.dir).errors;
      expect(errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/draws 5 items but bank "demo-bank" has only 2/),
        expect.stringMatching(/item "q-404" is not in bank "demo-bank"/),
        expect.stringMatching(/bank "no-such-bank" does not exist/),
      ]);
      expect(errors.every((e) => e.file === 'modules/pool-module/module.yaml' && e.line > 10)).toBe(true);
    });
  });
});

describe('published JSON Schema', () => {
  it('is up to date with the zod schema (run npm run courses:schema after changing the format)', () => {
    const root = path.resolve(__dirname, '..', '..');
    expect(readFileSync(path.join(root, COURSE_SCHEMA_FILE), 'utf8')).toBe(renderCourseJsonSchema());
  });
});
