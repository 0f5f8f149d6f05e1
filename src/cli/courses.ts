import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { COURSE_SCHEMA_FILE, formatCourseError, loadCatalog, renderCourseJsonSchema } from '../courses';
import { PROJECT_ROOT } from '../db';
import type { CliContext } from './context';

/** `shixun courses check [--json]`: exit 1 when any course file has an error. */
export function checkCourses(context: CliContext, options: { json: boolean }): number {
  const catalog = loadCatalog(context.config.coursesDir, PROJECT_ROOT);
  const summary = {
    modules: catalog.modules.map(({ manifest, lessons }) => ({
      id: manifest.id,
      version: manifest.version,
      track: manifest.track,
      category: manifest.category,
      hours: manifest.creditHours,
      lessons: lessons.length,
    })),
    banks: catalog.banks.map(({ bank }) => ({ id: bank.id, track: bank.track, items: bank.items.length })),
    errors: catalog.errors,
  };
  if (options.json) {
    context.out(JSON.stringify(summary, null, 2));
  } else {
    for (const error of catalog.errors) context.out(formatCourseError(error));
    const items = summary.banks.reduce((sum, bank) => sum + bank.items, 0);
    context.out(
      `${summary.modules.length} modules, ${summary.banks.length} question banks (${items} items) valid; ${catalog.errors.length} error${catalog.errors.length === 1 ? '' : 's'}`,
    );
  }
  return catalog.errors.length === 0 ? 0 : 1;
}

/** `shixun courses schema`: regenerates docs/course-schema.json for editors' autocompletion. */
export function writeCourseSchema(context: CliContext): number {
  writeFileSync(path.join(PROJECT_ROOT, COURSE_SCHEMA_FILE), renderCourseJsonSchema());
  context.out(`wrote ${COURSE_SCHEMA_FILE}`);
  return 0;
}
