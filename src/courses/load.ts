import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  lessonFrontMatterSchema,
  moduleManifestSchema,
  questionBankSchema,
  type LessonFrontMatter,
  type ModuleManifest,
  type Pool,
  type QuestionBank,
} from './schema';
import { renderLessonMarkdown } from './markdown';
import type { CourseError } from './source-errors';
import { YamlSource } from './yaml-source';

export interface LoadedLesson extends LessonFrontMatter {
  markdown: string;
  html: string;
}

export interface LoadedModule {
  manifest: ModuleManifest;
  lessons: LoadedLesson[];
  /** Changes whenever anything a learner sees changes; used to refuse silent edits of a published version. */
  contentHash: string;
  file: string;
}

export interface LoadedBank {
  bank: QuestionBank;
  contentHash: string;
  file: string;
}

export interface LoadedCatalog {
  modules: LoadedModule[];
  banks: LoadedBank[];
  errors: CourseError[];
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

/**
 * Reads and validates everything under a courses folder. It never stops at the first problem:
 * trainers fix files in batches, so every error in every file is collected.
 */
export function loadCatalog(coursesDir: string, relativeTo = process.cwd()): LoadedCatalog {
  const display = (file: string) => {
    const relative = path.relative(relativeTo, file);
    return relative.startsWith('..') ? file : relative;
  };
  const errors: CourseError[] = [];
  if (!existsSync(coursesDir)) {
    return { modules: [], banks: [], errors: [{ file: display(coursesDir), line: 1, column: 1, message: 'courses folder not found' }] };
  }

  const banks = listEntries(path.join(coursesDir, 'banks'), (name) => name.endsWith('.yaml'))
    .map((file) => loadBank(file, display(file), errors))
    .filter((bank): bank is LoadedBank => bank !== undefined);
  const modules = listEntries(path.join(coursesDir, 'modules'), (_, full) => statSync(full).isDirectory())
    .map((dir) => loadModule(dir, display, errors))
    .filter((loaded) => loaded !== undefined);

  reportDuplicates(banks.map((b) => ({ id: b.bank.id, file: b.file })), 'bank', errors);
  const banksById = new Map(banks.map((bank) => [bank.bank.id, bank.bank]));
  const validModules = modules
    .filter(({ module, source }) => checkPools(module.manifest, source, banksById, errors))
    .map(({ module }) => module);
  return { modules: validModules, banks, errors };
}

function listEntries(dir: string, keep: (name: string, full: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => path.join(dir, name))
    .filter((full) => keep(path.basename(full), full));
}

function loadBank(file: string, shown: string, errors: CourseError[]): LoadedBank | undefined {
  const source = new YamlSource(shown, readFileSync(file, 'utf8'));
  const { data, errors: found } = source.validate(questionBankSchema);
  errors.push(...found);
  if (!data) return undefined;
  const expectedId = path.basename(file, '.yaml');
  if (data.id !== expectedId) {
    errors.push(source.errorAtPath(['id'], `bank id "${data.id}" must match its file name "${expectedId}.yaml"`));
    return undefined;
  }
  return { bank: data, contentHash: hashOf(data), file: shown };
}

function loadModule(
  dir: string,
  display: (file: string) => string,
  errors: CourseError[],
): { module: LoadedModule; source: YamlSource } | undefined {
  const manifestFile = path.join(dir, 'module.yaml');
  if (!existsSync(manifestFile)) {
    errors.push({ file: display(dir), line: 1, column: 1, message: 'module folder has no module.yaml' });
    return undefined;
  }
  const source = new YamlSource(display(manifestFile), readFileSync(manifestFile, 'utf8'));
  const { data: manifest, errors: found } = source.validate(moduleManifestSchema);
  errors.push(...found);
  if (!manifest) return undefined;

  const before = errors.length;
  if (manifest.id !== path.basename(dir)) {
    errors.push(source.errorAtPath(['id'], `module id "${manifest.id}" must match its folder name "${path.basename(dir)}"`));
  }
  const lessons: LoadedLesson[] = [];
  const lessonIds = new Map<string, string>();
  manifest.lessons.forEach((lessonPath, index) => {
    const lessonFile = path.join(dir, lessonPath);
    if (!existsSync(lessonFile)) {
      errors.push(source.errorAtPath(['lessons', index], `lesson file "${lessonPath}" does not exist`));
      return;
    }
    const lesson = loadLesson(lessonFile, display(lessonFile), errors);
    if (!lesson) return;
    const earlier = lessonIds.get(lesson.id);
    if (earlier) {
      errors.push({ file: display(lessonFile), line: 2, column: 1, message: `lesson id "${lesson.id}" is already used by ${earlier}` });
      return;
    }
    lessonIds.set(lesson.id, lessonPath);
    lessons.push(lesson);
  });
  if (errors.length > before) return undefined;
  return { module: { manifest, lessons, contentHash: hashOf({ manifest, lessons }), file: source.file }, source };
}

function loadLesson(file: string, shown: string, errors: CourseError[]): LoadedLesson | undefined {
  const text = readFileSync(file, 'utf8');
  const match = FRONT_MATTER.exec(text);
  if (!match) {
    errors.push({ file: shown, line: 1, column: 1, message: 'a lesson starts with front matter between two "---" lines (id, title, minutes)' });
    return undefined;
  }
  const frontMatter = new YamlSource(shown, match[1] ?? '', 2);
  const { data, errors: found } = frontMatter.validate(lessonFrontMatterSchema);
  errors.push(...found);
  if (!data) return undefined;
  const markdown = text.slice(match[0].length).trim();
  if (markdown.length === 0) {
    errors.push({ file: shown, line: 1, column: 1, message: 'the lesson has no content after its front matter' });
    return undefined;
  }
  return { ...data, markdown, html: renderLessonMarkdown(markdown) };
}

/** Pools must be satisfiable now, not fail when a learner starts an attempt. */
function checkPools(manifest: ModuleManifest, source: YamlSource, banks: Map<string, QuestionBank>, errors: CourseError[]): boolean {
  const problems = poolProblems(manifest.assessment?.pools ?? [], banks);
  for (const { index, message } of problems) {
    errors.push(source.errorAtPath(['assessment', 'pools', index], `assessment.pools.${index}: ${message}`));
  }
  return problems.length === 0;
}

/** The cross-file pool rules, shared by the file checker and the browser authoring workspace. */
export function poolProblems(
  pools: readonly Pool[],
  banks: ReadonlyMap<string, Pick<QuestionBank, 'items'>>,
): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  pools.forEach((pool, index) => {
    const at = (message: string) => problems.push({ index, message });
    const bank = banks.get(pool.bank);
    if (!bank) return at(`bank "${pool.bank}" does not exist (or has errors)`);
    const itemIds = new Set(bank.items.map((item) => item.id));
    for (const itemId of pool.items ?? []) {
      if (!itemIds.has(itemId)) at(`item "${itemId}" is not in bank "${pool.bank}"`);
    }
    if (pool.draw !== undefined) {
      const candidates = bank.items.filter((item) => !pool.tags || pool.tags.some((tag) => item.tags.includes(tag)));
      if (candidates.length < pool.draw) {
        at(`draws ${pool.draw} items but bank "${pool.bank}" has only ${candidates.length}${pool.tags ? ` tagged ${pool.tags.join('/')}` : ''}`);
      }
    }
  });
  return problems;
}

function reportDuplicates(entries: { id: string; file: string }[], what: string, errors: CourseError[]): void {
  const seen = new Map<string, string>();
  for (const { id, file } of entries) {
    const first = seen.get(id);
    if (first) errors.push({ file, line: 1, column: 1, message: `${what} id "${id}" is also used by ${first}` });
    else seen.set(id, file);
  }
}

/** The content hash sync compares; a module is hashed as `{ manifest, lessons }`, a bank as itself. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
