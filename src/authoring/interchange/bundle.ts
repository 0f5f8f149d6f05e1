import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCatalog, type CourseError, type LoadedModule } from '../../courses';
import { bankFiles, moduleFiles, moduleFolder } from './serialize';
import type { CourseBundle, CourseFile, ModuleSource } from './types';
import { readCourseZip, writeCourseZip, type ZipLimits } from './zip';

export function writeBundleZip(bundle: CourseBundle): Uint8Array {
  return writeCourseZip([...bundle.modules.flatMap(moduleFiles), ...bundle.banks.flatMap(bankFiles)]);
}

export interface ReadBundle {
  bundle: CourseBundle;
  /** Every problem, located as `courses:check` locates it (paths inside the zip). */
  errors: CourseError[];
}

/**
 * A zip becomes modules and banks through the same loader `npm run courses:check` uses, so an
 * upload is held to exactly the rules of the files in the repository. The loader reads folders,
 * so the checked files are written to a private temporary folder first; only paths that passed
 * the zip's own path rules are ever written.
 */
export async function readBundleZip(bytes: Uint8Array, limits?: ZipLimits): Promise<ReadBundle> {
  const { files, errors } = readCourseZip(bytes, limits);
  if (files.length === 0) {
    if (errors.length === 0) errors.push({ file: '(zip)', line: 1, column: 1, message: 'the zip holds no course files' });
    return { bundle: { modules: [], banks: [] }, errors };
  }
  const root = await mkdtemp(path.join(tmpdir(), 'shixun-import-'));
  try {
    for (const file of files) {
      const target = path.join(root, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.text, { flag: 'wx' });
    }
    const catalog = loadCatalog(path.join(root, 'courses'), root);
    errors.push(...catalog.errors, ...unlistedLessons(files, catalog.modules));
    return { bundle: { modules: catalog.modules.map(toModuleSource), banks: catalog.banks.map((loaded) => loaded.bank) }, errors: sortErrors(errors) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** The loader only reads lessons a manifest lists; an extra file would be silently lost. */
function unlistedLessons(files: CourseFile[], modules: LoadedModule[]): CourseError[] {
  const listed = new Set(modules.flatMap(({ manifest }) => manifest.lessons.map((lesson) => `${moduleFolder(manifest.id)}/${lesson}`)));
  const loadedFolders = new Set(modules.map(({ manifest }) => moduleFolder(manifest.id)));
  return files
    .filter((file) => /\/lessons\/[^/]+\.md$/.test(file.path))
    .filter((file) => loadedFolders.has(file.path.slice(0, file.path.indexOf('/lessons/'))) && !listed.has(file.path))
    .map((file) => ({ file: file.path, line: 1, column: 1, message: 'this lesson file is not listed in its module.yaml "lessons"' }));
}

function toModuleSource(loaded: LoadedModule): ModuleSource {
  return {
    manifest: loaded.manifest,
    lessons: loaded.lessons.map(({ id, title, titleEn, minutes, markdown }, index) => ({
      path: loaded.manifest.lessons[index]!,
      id,
      title,
      ...(titleEn === undefined ? {} : { titleEn }),
      minutes,
      markdown,
    })),
  };
}

function sortErrors(errors: CourseError[]): CourseError[] {
  return [...errors].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
