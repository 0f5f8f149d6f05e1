import { Document, isPair, isScalar, isSeq, visit } from 'yaml';
import {
  lessonFrontMatterSchema,
  moduleManifestSchema,
  questionBankSchema,
  questionItemSchema,
  type ModuleManifest,
  type QuestionBank,
  type QuestionItem,
} from '../../courses';
import type { CourseFile, LessonSource, ModuleSource } from './types';

/**
 * Course files written the same way every time: values pass through the one schema first (so
 * key order and defaults are the schema's, not whatever order a database or form produced),
 * then a fixed YAML style. Reading such a file back and writing it again gives the same bytes.
 */

const ITEM_KEY_ORDER = ['id', 'type', 'stem', 'difficulty', 'tags', 'points', 'options', 'premises', 'responses', 'answer', 'scoring', 'feedback'];

export function moduleFolder(moduleId: string): string {
  return `courses/modules/${moduleId}`;
}

export function bankFile(bankId: string): string {
  return `courses/banks/${bankId}.yaml`;
}

export function moduleFiles(source: ModuleSource): CourseFile[] {
  const manifest = moduleManifestSchema.parse(source.manifest);
  if (manifest.lessons.length !== source.lessons.length || manifest.lessons.some((lessonPath, i) => source.lessons[i]?.path !== lessonPath)) {
    throw new Error(`module ${manifest.id}: the manifest's lesson paths and the lessons given differ`);
  }
  const folder = moduleFolder(manifest.id);
  return [
    { path: `${folder}/module.yaml`, text: manifestYaml(manifest) },
    ...source.lessons.map((lesson) => ({ path: `${folder}/${lesson.path}`, text: lessonText(lesson) })),
  ];
}

export function bankFiles(bank: QuestionBank): CourseFile[] {
  return [{ path: bankFile(bank.id), text: bankYaml(bank) }];
}

export function manifestYaml(manifest: ModuleManifest): string {
  const { completion, assessment, ...head } = moduleManifestSchema.parse(manifest);
  // An empty completion rule is the default; writing `completion: {}` would only be noise.
  return toYaml({ ...head, completion: Object.keys(completion).length > 0 ? completion : undefined, assessment });
}

export function bankYaml(bank: QuestionBank): string {
  const parsed = questionBankSchema.parse(bank);
  return toYaml({ ...parsed, items: parsed.items.map(canonicalItem) }, { spaceBetweenItems: true });
}

/** One item as a bank file writes it: the reading order of the format, defaults left out. */
export function canonicalItem(item: QuestionItem): Record<string, unknown> {
  const parsed = questionItemSchema.parse(item) as Record<string, unknown>;
  const defaults: Record<string, unknown> = { points: 1, scoring: 'all-or-nothing' };
  const ordered: Record<string, unknown> = {};
  for (const key of ITEM_KEY_ORDER) {
    if (parsed[key] !== undefined && parsed[key] !== defaults[key]) ordered[key] = parsed[key];
  }
  return ordered;
}

export function lessonText(lesson: LessonSource): string {
  const frontMatter = lessonFrontMatterSchema.parse({ id: lesson.id, title: lesson.title, titleEn: lesson.titleEn, minutes: lesson.minutes });
  return `---\n${toYaml(frontMatter)}---\n\n${lesson.markdown.trim()}\n`;
}

function toYaml(value: unknown, options: { spaceBetweenItems?: boolean } = {}): string {
  const document = new Document(stripUndefined(value));
  visit(document, {
    // Short lists of ids (tags, answers, pool items) read best on one line, as trainers write them.
    Seq(_key, node, path) {
      const parent = path[path.length - 1];
      const key = isPair(parent) && isScalar(parent.key) ? parent.key.value : undefined;
      if (key !== 'lessons' && node.items.length > 0 && node.items.every((entry) => isScalar(entry))) node.flow = true;
    },
  });
  if (options.spaceBetweenItems) {
    const items = document.get('items', true);
    if (isSeq(items)) items.items.forEach((entry, index) => index > 0 && ((entry as { spaceBefore?: boolean }).spaceBefore = true));
  }
  return document.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stripUndefined(v)]));
  }
  return value;
}
