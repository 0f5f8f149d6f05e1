import { assessmentPolicySchema, findLatestBanks, findLatestModule, questionItemSchema } from '../courses';
import { manifestOfVersion } from './drafts';
import type { DraftBank, DraftLesson, DraftManifest, ModuleDraft } from './types';

export interface FieldChange {
  field: string;
  before?: string;
  after?: string;
}

export interface IdChanges {
  added: string[];
  removed: string[];
  changed: string[];
  /** True when the same ids are kept but their order changed. */
  reordered: boolean;
}

export interface ContentDiff {
  manifest: FieldChange[];
  lessons: IdChanges;
  items: IdChanges;
  /** Nothing a learner would see differs. */
  empty: boolean;
}

export interface Content {
  manifest: DraftManifest;
  lessons: readonly DraftLesson[];
  bank?: DraftBank;
}

/** Fields compared one by one; `id`, `version` and `lessons` are identity or covered by the lesson diff. */
const MANIFEST_FIELDS = ['title', 'summary', 'track', 'category', 'creditHours', 'completion', 'assessment'] as const;

/** JSON with sorted keys, so two objects that differ only in key order compare equal. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Defaults filled in, where the value is valid, so an omitted default is not reported as a change. */
function normalized(field: (typeof MANIFEST_FIELDS)[number], value: unknown): unknown {
  if (field === 'assessment' && value) return assessmentPolicySchema.safeParse(value).data ?? value;
  if (field === 'completion') {
    const completion = value as { minSecondsPerLesson?: number } | undefined;
    return completion?.minSecondsPerLesson ? { minSecondsPerLesson: completion.minSecondsPerLesson } : {};
  }
  return value;
}

/** A value as a trainer reads it: "中文 / English" for titles, "key: value; …" for settings. */
function shown(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  let text: string;
  if (value === null || typeof value !== 'object') text = String(value);
  else if ('zh-CN' in value) text = [(value as Record<string, string>)['zh-CN'], (value as Record<string, string>).en].filter(Boolean).join(' / ');
  else {
    text = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => `${key}: ${v !== null && typeof v === 'object' ? stable(v) : String(v)}`)
      .join('; ');
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function compareById<T extends { id: string }>(before: readonly T[], after: readonly T[], same: (a: T, b: T) => boolean): IdChanges {
  const old = new Map(before.map((entry) => [entry.id, entry]));
  const now = new Map(after.map((entry) => [entry.id, entry]));
  const kept = after.filter((entry) => old.has(entry.id)).map((entry) => entry.id);
  const keptBefore = before.filter((entry) => now.has(entry.id)).map((entry) => entry.id);
  return {
    added: after.filter((entry) => !old.has(entry.id)).map((entry) => entry.id),
    removed: before.filter((entry) => !now.has(entry.id)).map((entry) => entry.id),
    changed: after.filter((entry) => old.has(entry.id) && !same(old.get(entry.id)!, entry)).map((entry) => entry.id),
    reordered: kept.join('\n') !== keptBefore.join('\n'),
  };
}

const normalizedItem = (item: unknown) => stable(questionItemSchema.safeParse(item).data ?? item);

/** What differs between two states of a module: manifest fields, lessons and bank items by id. */
export function compareContent(before: Content | undefined, after: Content): ContentDiff {
  const manifest: FieldChange[] = [];
  for (const field of MANIFEST_FIELDS) {
    const a = normalized(field, before?.manifest[field]);
    const b = normalized(field, after.manifest[field]);
    if (stable(a) !== stable(b)) manifest.push({ field, before: shown(a), after: shown(b) });
  }
  const lessons = compareById(before?.lessons ?? [], after.lessons, (a, b) => stable(a) === stable(b));
  const items = compareById(
    (before?.bank?.items ?? []) as { id: string }[],
    (after.bank?.items ?? []) as { id: string }[],
    (a, b) => normalizedItem(a) === normalizedItem(b),
  );
  const untouched = (changes: IdChanges) => !changes.reordered && [changes.added, changes.removed, changes.changed].every((list) => list.length === 0);
  return { manifest, lessons, items, empty: manifest.length === 0 && untouched(lessons) && untouched(items) };
}

/** Short labels for the audit log: `manifest.title`, `lesson+ intro`, `item~ q-3`. */
export function describeChanges(before: Content, after: Content): string[] {
  return diffLabels(compareContent(before, after));
}

export function diffLabels(diff: ContentDiff): string[] {
  const labels = diff.manifest.map((change) => `manifest.${change.field}`);
  const ids = (prefix: string, changes: IdChanges) => [
    ...changes.added.map((id) => `${prefix}+ ${id}`),
    ...changes.removed.map((id) => `${prefix}- ${id}`),
    ...changes.changed.map((id) => `${prefix}~ ${id}`),
    ...(changes.reordered ? [`${prefix}s reordered`] : []),
  ];
  return [...labels, ...ids('lesson', diff.lessons), ...ids('item', diff.items)];
}

/** The draft against the newest published version (everything is "added" for a module never published). */
export async function diffDraftAgainstPublished(draft: ModuleDraft): Promise<ContentDiff & { publishedVersion?: number }> {
  const module = await findLatestModule(draft.moduleId);
  if (!module) return compareContent(undefined, draft);
  const [bank] = draft.bank ? await findLatestBanks([draft.bank.id]) : [];
  const published: Content = {
    manifest: manifestOfVersion(module),
    lessons: module.lessons.map(({ id, title, titleEn, minutes, markdown }) => ({ id, title, ...(titleEn ? { titleEn } : {}), minutes, markdown })),
    bank: bank ? { id: bank.bankId, version: bank.version, track: bank.track as DraftBank['track'], title: bank.title, items: bank.items } : undefined,
  };
  return { ...compareContent(published, draft), publishedVersion: module.version };
}
