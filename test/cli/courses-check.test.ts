import { runShixun } from '../support/cli';
import { CoursesFixture } from '../support/course-fixtures';


const shixun = runShixun;

describe('shixun courses check', () => {
  it('prints the machine-readable summary operators rely on', () => {
    const fixture = new CoursesFixture()
      .module('homeroom-new-cli')
      .write(
        'banks/cli-bank.yaml',
        'id: cli-bank\nversion: 1\ntrack: safety\ntitle:\n  zh-CN: 题库\nitems:\n  - id: q-1\n    type: true-false\n    stem: 每学期至少组织一次疏散演练。\n    difficulty: easy\n    tags: [drill]\n    answer: true\n    feedback: 应急疏散演练每学期至少一次。\n',
      );
    const { code, stdout } = shixun(['courses', 'check', '--json'], { COURSES_DIR: fixture.dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      modules: [{ id: 'homeroom-new-cli', version: 1, track: 'homeroom-new', category: 'homeroom-new', hours: 2.5, lessons: 2 }],
      banks: [{ id: 'cli-bank', track: 'safety', items: 1 }],
      errors: [],
    });
  });

  it('exits 1 and lists every error with file and line', () => {
    const fixture = new CoursesFixture()
      .module('homeroom-new-ok')
      .write('modules/broken/module.yaml', 'id: broken\nversion: one\ntitle:\n  zh-CN: 坏\ntrack: nowhere\n');
    const { code, stdout } = shixun(['courses', 'check'], { COURSES_DIR: fixture.dir });
    expect(code).toBe(1);
    expect(stdout).toMatch(/\/modules\/broken\/module\.yaml:2:\d+ {2}version: /);
    expect(stdout).toMatch(/\/modules\/broken\/module\.yaml:5:\d+ {2}track: /);
    expect(stdout).toMatch(/1 modules, 0 question banks \(0 items\) valid; \d+ errors/);

    const json = shixun(['courses', 'check', '--json'], { COURSES_DIR: fixture.dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: expect.stringMatching(/modules\/broken\/module\.yaml$/), line: 2 })]),
    );
  });

  it('passes on the shipped catalog', () => {
    const { code, stdout } = shixun(['courses', 'check', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.modules.length).toBeGreaterThan(0);
    expect(summary.banks.length).toBeGreaterThan(0);
  });

  it('explains its usage and rejects unknown commands', () => {
    expect(shixun(['--help']).stdout).toContain('courses check [--json]');
    const unknown = shixun(['nonsense']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: nonsense');
  });

  it('refuses bad configuration with a clear message', () => {
    const { code, stderr } = shixun(['courses', 'check'], { PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
  });
});
