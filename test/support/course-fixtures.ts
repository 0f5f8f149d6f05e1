import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface FixtureLesson {
  file: string;
  id: string;
  title: string;
  body: string;
  minutes?: number;
}

/** A throw-away courses/ folder; files are written exactly as a trainer would write them. */
export class CoursesFixture {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'shixun-courses-'));

  write(relativePath: string, text: string): this {
    const file = path.join(this.dir, relativePath);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return this;
  }

  module(id: string, options: { version?: number; minSeconds?: number; lessons?: FixtureLesson[]; extra?: string } = {}): this {
    const lessons = options.lessons ?? [
      { file: 'lessons/01-first.md', id: 'first', title: '第一课', body: '## 要点\n\n班主任是班级的组织者。' },
      { file: 'lessons/02-second.md', id: 'second', title: '第二课', body: '## 案例\n\n开学第一周……' },
    ];
    this.write(
      `modules/${id}/module.yaml`,
      [
        `id: ${id}`,
        `version: ${options.version ?? 1}`,
        'title:',
        `  zh-CN: 测试模块 ${id}`,
        `  en: Test module ${id}`,
        'track: homeroom-new',
        'category: homeroom-new',
        'creditHours: 2.5',
        'lessons:',
        ...lessons.map((lesson) => `  - ${lesson.file}`),
        'completion:',
        `  minSecondsPerLesson: ${options.minSeconds ?? 0}`,
        options.extra ?? '',
      ].join('\n'),
    );
    for (const lesson of lessons) {
      this.write(
        `modules/${id}/${lesson.file}`,
        `---\nid: ${lesson.id}\ntitle: ${lesson.title}\nminutes: ${lesson.minutes ?? 5}\n---\n\n${lesson.body}\n`,
      );
    }
    return this;
  }
}
