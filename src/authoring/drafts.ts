import { findLatestBanks, findLatestModule, type ModuleVersion } from '../courses';
import { recordAudit } from './audit';
import { describeChanges } from './diff';
import { DraftConflictError, DraftExistsError, DraftNotFoundError, NotAllowedError } from './errors';
import { DraftRevisionModel } from './store';
import type { Author, DraftBank, DraftChanges, DraftLesson, DraftManifest, ModuleDraft } from './types';

const DUPLICATE_KEY = 11000;
/** Autosave writes a revision every few seconds; older ones are only history and are swept. */
const KEPT_REVISIONS = 50;

interface StoredRevision extends Omit<ModuleDraft, '_id' | 'moduleId' | 'baseVersion'> {
  draftId: string;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;

export function isAdmin(user: Author): boolean {
  return user.roles.includes('admin');
}

/** Owners, editors and admins may change a draft; a trainer must still hold the trainer role. */
export function canEdit(user: Author, draft: Pick<ModuleDraft, 'owners' | 'editors'>): boolean {
  if (isAdmin(user)) return true;
  if (!user.roles.includes('trainer')) return false;
  const id = user._id.toString();
  return draft.owners.includes(id) || draft.editors.includes(id);
}

/** Only owners (and admins) decide who else may edit. */
export function canManageEditors(user: Author, draft: Pick<ModuleDraft, 'owners'>): boolean {
  return isAdmin(user) || (user.roles.includes('trainer') && draft.owners.includes(user._id.toString()));
}

/** Lesson file paths follow the lessons' order and ids, as in `courses/`. */
export function lessonPaths(lessons: readonly Pick<DraftLesson, 'id'>[]): string[] {
  return lessons.map((lesson, index) => `lessons/${String(index + 1).padStart(2, '0')}-${lesson.id}.md`);
}

function toDraft(stored: StoredRevision, baseVersion: number | undefined): ModuleDraft {
  return {
    _id: stored.draftId,
    moduleId: stored.draftId,
    baseVersion,
    revision: stored.revision,
    owners: stored.owners,
    editors: stored.editors ?? [],
    manifest: stored.manifest,
    lessons: stored.lessons ?? [],
    bank: stored.bank ?? undefined,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
    updatedByName: stored.updatedByName,
  };
}

async function latestRevision(draftId: string): Promise<StoredRevision | null> {
  return DraftRevisionModel.findOne({ draftId }, { _id: 0 }).sort({ revision: -1 }).lean<StoredRevision>();
}

/** The newest revision of a draft, or null. */
export async function getDraft(draftId: string): Promise<ModuleDraft | null> {
  const stored = await latestRevision(draftId);
  if (!stored) return null;
  const published = await findLatestModule(draftId);
  return toDraft(stored, published?.version);
}

export async function requireDraft(draftId: string): Promise<ModuleDraft> {
  const draft = await getDraft(draftId);
  if (!draft) throw new DraftNotFoundError(draftId);
  return draft;
}

/** The newest revision of every draft, newest change first. */
export async function listDrafts(): Promise<ModuleDraft[]> {
  const revisions = await DraftRevisionModel.find({}, { _id: 0 }).sort({ draftId: 1, revision: -1 }).lean<StoredRevision[]>();
  const latest = new Map<string, StoredRevision>();
  for (const revision of revisions) if (!latest.has(revision.draftId)) latest.set(revision.draftId, revision);
  const drafts = await Promise.all([...latest.values()].map(async (stored) => toDraft(stored, (await findLatestModule(stored.draftId))?.version)));
  return drafts.sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime());
}

async function insertRevision(revision: StoredRevision): Promise<void> {
  await DraftRevisionModel.create(revision);
}

function emptyManifest(moduleId: string, init: Partial<DraftManifest>): DraftManifest {
  return {
    id: moduleId,
    version: 1,
    title: { 'zh-CN': '' },
    track: 'school-based',
    category: 'school-based',
    creditHours: 1,
    lessons: [],
    completion: {},
    ...init,
  };
}

/** Words the authoring pages use in `/authoring/<word>`: no module may take one as its id. */
export const RESERVED_MODULE_IDS: readonly string[] = ['media', 'open', 'import', 'export', 'new', 'questions'];

/**
 * Starts a new module. Refused when the id is taken by a draft, a published module or a published
 * bank, so a new module can never shadow or overwrite one from `courses/`, or is one of the
 * reserved words, whoever asks (a page, a zip import, the CLI).
 */
export async function createDraft(
  init: { moduleId: string; manifest?: Partial<DraftManifest>; lessons?: DraftLesson[]; bank?: DraftBank },
  user: Author,
  now: Date,
): Promise<ModuleDraft> {
  if (RESERVED_MODULE_IDS.includes(init.moduleId)) throw new DraftExistsError(init.moduleId);
  // The new module's bank takes its id, so a published bank of that name (another module's) is taken too.
  if ((await findLatestModule(init.moduleId)) || (await findLatestBanks([init.moduleId])).length > 0) throw new DraftExistsError(init.moduleId);
  const lessons = init.lessons ?? [];
  return insertFirstRevision(
    init.moduleId,
    { ...emptyManifest(init.moduleId, init.manifest ?? {}), id: init.moduleId, lessons: lessonPaths(lessons) },
    lessons,
    init.bank,
    user,
    now,
    undefined,
  );
}

async function insertFirstRevision(
  draftId: string,
  manifest: DraftManifest,
  lessons: DraftLesson[],
  bank: DraftBank | undefined,
  user: Author,
  now: Date,
  baseVersion: number | undefined,
): Promise<ModuleDraft> {
  const revision: StoredRevision = {
    draftId,
    revision: 1,
    owners: [user._id.toString()],
    editors: [],
    manifest,
    lessons,
    bank,
    updatedAt: now,
    updatedBy: user._id.toString(),
    updatedByName: user.displayName,
  };
  try {
    await insertRevision(revision);
  } catch (error) {
    if (isDuplicateKey(error)) throw new DraftExistsError(draftId);
    throw error;
  }
  await recordAudit({ draftId, at: now, userId: revision.updatedBy, userName: user.displayName, action: 'create', revision: 1, version: baseVersion, changes: [] });
  return toDraft(revision, baseVersion);
}

/** The course-format manifest of a published version (stored versions keep no lesson paths). */
export function manifestOfVersion(module: ModuleVersion): DraftManifest {
  return {
    id: module.moduleId,
    version: module.version,
    title: module.title,
    ...(module.summary ? { summary: module.summary } : {}),
    track: module.track,
    category: module.category,
    creditHours: module.creditHours,
    lessons: lessonPaths(module.lessons),
    completion: module.minSecondsPerLesson ? { minSecondsPerLesson: module.minSecondsPerLesson } : {},
    ...(module.assessment ? { assessment: module.assessment } : {}),
  };
}

/**
 * The draft of a published module: its existing draft, or a new one holding the newest version
 * and the bank its assessment draws from (the one named like the module, else the first).
 */
export async function draftFromPublished(moduleId: string, user: Author, now: Date): Promise<ModuleDraft> {
  const existing = await getDraft(moduleId);
  if (existing) return existing;
  const module = await findLatestModule(moduleId);
  if (!module) throw new DraftNotFoundError(moduleId);
  const bankIds = [...new Set((module.assessment?.pools ?? []).map((pool) => pool.bank))];
  const ownBankId = bankIds.includes(moduleId) ? moduleId : bankIds[0];
  const [bank] = ownBankId ? await findLatestBanks([ownBankId]) : [];
  const lessons: DraftLesson[] = module.lessons.map(({ id, title, titleEn, minutes, markdown }) => ({
    id,
    title,
    ...(titleEn ? { titleEn } : {}),
    minutes,
    markdown,
  }));
  try {
    return await insertFirstRevision(
      moduleId,
      { ...manifestOfVersion(module), version: module.version + 1 },
      lessons,
      bank ? { id: bank.bankId, version: bank.version + 1, track: bank.track as DraftBank['track'], title: bank.title, items: bank.items } : undefined,
      user,
      now,
      module.version,
    );
  } catch (error) {
    // Two people opened the module at once: both work on the one draft.
    if (error instanceof DraftExistsError) return requireDraft(moduleId);
    throw error;
  }
}

/**
 * Saves changes made from `expectedRevision`. If anyone saved since, nothing is written and a
 * `DraftConflictError` names who and when: the caller reloads and re-applies, never overwrites.
 */
export async function saveDraft(
  draftId: string,
  expectedRevision: number,
  changes: DraftChanges,
  user: Author,
  now: Date,
): Promise<ModuleDraft> {
  const current = await latestRevision(draftId);
  if (!current) throw new DraftNotFoundError(draftId);
  if (!canEdit(user, current)) throw new NotAllowedError(draftId);
  if ((changes.owners || changes.editors) && !canManageEditors(user, current)) throw new NotAllowedError(draftId);
  if (current.revision !== expectedRevision) throw conflictWith(current);

  const lessons = changes.lessons ?? current.lessons;
  const manifest = { ...(changes.manifest ?? current.manifest), id: draftId, lessons: lessonPaths(lessons) };
  const next: StoredRevision = {
    draftId,
    revision: expectedRevision + 1,
    owners: changes.owners ?? current.owners,
    editors: changes.editors ?? current.editors ?? [],
    manifest,
    lessons,
    bank: 'bank' in changes ? changes.bank : current.bank,
    updatedAt: now,
    updatedBy: user._id.toString(),
    updatedByName: user.displayName,
  };
  try {
    await insertRevision(next);
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const winner = await latestRevision(draftId);
    throw conflictWith(winner ?? current);
  }
  await recordAudit({
    draftId,
    at: now,
    userId: next.updatedBy,
    userName: user.displayName,
    action: 'save',
    revision: next.revision,
    changes: describeChanges(current, next),
  });
  await DraftRevisionModel.deleteMany({ draftId, revision: { $lt: next.revision - KEPT_REVISIONS } });
  return toDraft(next, (await findLatestModule(draftId))?.version);
}

function conflictWith(latest: StoredRevision): DraftConflictError {
  return new DraftConflictError(latest.draftId, latest.revision, latest.updatedByName, latest.updatedAt);
}
