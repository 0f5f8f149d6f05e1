import { createHash } from 'node:crypto';
import {
  BankVersionModel,
  findLatestBanks,
  findLatestModule,
  ModuleVersionModel,
  type BankVersion,
  type CourseError,
  type ModuleVersion,
  type QuestionBank,
} from '../../courses';
import {
  canEdit,
  createDraft,
  DraftConflictError,
  DraftExistsError,
  draftFromPublished,
  getDraft,
  lessonPaths,
  manifestOfVersion,
  NotAllowedError,
  RESERVED_MODULE_IDS,
  saveDraft,
  validateDraft,
  type Author,
  type DraftBank,
  type DraftError,
  type DraftLesson,
  type DraftManifest,
  type ModuleDraft,
} from '..';
import { readBundleZip, writeBundleZip } from './bundle';
import { bankFiles, moduleFiles } from './serialize';
import type { CourseBundle, CourseFile, ModuleSource } from './types';

/** A draft that cannot be exported because it breaks the course format (the zip must pass `courses:check`). */
export class DraftNotExportableError extends Error {
  constructor(
    readonly draftId: string,
    readonly errors: DraftError[],
  ) {
    super(`draft ${draftId} has ${errors.length} error(s) and cannot be exported`);
    this.name = 'DraftNotExportableError';
  }
}

export class ModuleNotPublishedError extends Error {
  constructor(readonly moduleId: string) {
    super(`module "${moduleId}" is not published`);
    this.name = 'ModuleNotPublishedError';
  }
}

/** The zip or the drafts changed between the dry run a person reviewed and the confirmation. */
export class ImportPlanChangedError extends Error {
  constructor() {
    super('the drafts or the zip changed since the dry run');
    this.name = 'ImportPlanChangedError';
  }
}

/** Applying is refused while the zip has errors: nothing is half-imported. */
export class ImportHasErrorsError extends Error {
  constructor(readonly errors: CourseError[]) {
    super(`the zip has ${errors.length} error(s)`);
    this.name = 'ImportHasErrorsError';
  }
}

export type ModuleAction = 'create' | 'update' | 'unchanged' | 'refused';

/** Why a module is refused: not an owner/editor of its draft; a published module without a draft (only admins open those); an id the web pages use as a word. */
export type RefusalReason = 'notEditor' | 'adminOpensPublished' | 'reservedId';

export interface ModulePlan {
  moduleId: string;
  action: ModuleAction;
  reason?: RefusalReason;
  /** The draft revision the update starts from (absent when a draft is still to be started). */
  revision?: number;
  /** Published version the draft is (or will be) based on. */
  baseVersion?: number;
  /** Files of this module (and its own bank) that differ from what is there now. */
  changedFiles: string[];
  lessonCount: number;
  itemCount: number;
  /** The bank this module's draft edits; other banks in the zip are only compared. */
  bankId?: string;
}

export interface BankPlan {
  bankId: string;
  /** `unchanged`: equal to the published bank. `ignored`: differs, but no module in the zip owns it. */
  action: 'unchanged' | 'ignored';
}

export interface ImportPlan {
  /** sha256 of the zip, so the confirmation applies exactly the file that was checked. */
  checksum: string;
  errors: CourseError[];
  modules: ModulePlan[];
  banks: BankPlan[];
  /** Changes when the zip or any draft it touches changes; the confirmation must present the same one. */
  fingerprint: string;
}

export interface ImportOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
  refused: string[];
  /** Someone saved the draft between the dry run and now; left as they saved it. */
  conflicts: string[];
}

/** `shixun-<module id>.zip`: the draft as files, plus the banks its pools draw from, so the zip checks on its own. */
export async function exportDraftZip(draft: ModuleDraft): Promise<{ fileName: string; bytes: Uint8Array }> {
  const validation = await validateDraft(draft);
  if (!validation.candidate) throw new DraftNotExportableError(draft.moduleId, validation.errors);
  const { manifest, lessons, bank } = validation.candidate;
  const module: ModuleSource = {
    manifest,
    lessons: lessons.map(({ id, title, titleEn, minutes, markdown }, index) => ({ path: manifest.lessons[index]!, id, title, ...(titleEn ? { titleEn } : {}), minutes, markdown })),
  };
  const otherBankIds = poolBankIds(manifest).filter((id) => id !== bank?.id);
  const banks = [...(bank ? [bank] : []), ...(await findLatestBanks(otherBankIds)).map(bankOfVersion)];
  return { fileName: `shixun-${draft.moduleId}.zip`, bytes: writeBundleZip({ modules: [module], banks }) };
}

/** The newest published version of the named modules (all when none are named) and every bank they draw from. */
export async function exportPublishedZip(moduleIds?: readonly string[]): Promise<{ fileName: string; bytes: Uint8Array; moduleIds: string[] }> {
  const ids = moduleIds ?? ((await ModuleVersionModel.distinct('moduleId')) as string[]).sort();
  const modules: ModuleVersion[] = [];
  for (const id of ids) {
    const module = await findLatestModule(id);
    if (!module) throw new ModuleNotPublishedError(id);
    modules.push(module);
  }
  const bankIds = moduleIds ? [...new Set(modules.flatMap((m) => poolBankIds(m)))] : ((await BankVersionModel.distinct('bankId')) as string[]);
  const banks = (await findLatestBanks(bankIds)).map(bankOfVersion);
  const bundle: CourseBundle = { modules: modules.map(moduleOfVersion), banks };
  const fileName = moduleIds?.length === 1 ? `shixun-${moduleIds[0]}.zip` : 'shixun-courses.zip';
  return { fileName, bytes: writeBundleZip(bundle), moduleIds: [...ids] };
}

/**
 * The dry run: everything the zip would change, and every error in it. Nothing is written.
 * A module becomes a new draft, an update of its draft (started from the published version if
 * there is none yet), or is left alone when its files already match; drafts the person may not
 * edit are refused.
 */
export async function planImport(bytes: Uint8Array, user: Author): Promise<ImportPlan> {
  return (await planWithBundle(bytes, user)).plan;
}

async function planWithBundle(bytes: Uint8Array, user: Author): Promise<{ plan: ImportPlan; bundle: CourseBundle }> {
  const checksum = createHash('sha256').update(bytes).digest('hex');
  const { bundle, errors } = await readBundleZip(bytes);
  const banksById = new Map(bundle.banks.map((bank) => [bank.id, bank]));
  const modules: ModulePlan[] = [];
  for (const source of bundle.modules) modules.push(await planModule(source, ownBank(source, banksById), user));

  const owned = new Set(modules.map((plan) => plan.bankId));
  const banks: BankPlan[] = [];
  const foreign = bundle.banks.filter((bank) => !owned.has(bank.id));
  const published = new Map((await findLatestBanks(foreign.map((bank) => bank.id))).map((bank) => [bank.bankId, bankOfVersion(bank)]));
  for (const bank of foreign) {
    const current = published.get(bank.id);
    banks.push({ bankId: bank.id, action: current && sameFiles(bankFiles(withoutVersion(bank)), bankFiles(withoutVersion(current))) ? 'unchanged' : 'ignored' });
  }
  return { plan: { checksum, errors, modules, banks, fingerprint: fingerprintOf(checksum, modules) }, bundle };
}

/**
 * Applies a dry run the person confirmed. The plan is made again and must match the one they
 * saw; drafts are created or saved through the workspace (which audits every change), each save
 * naming the revision the dry run read, so a save made since then is never overwritten.
 */
export async function applyImport(bytes: Uint8Array, user: Author, now: Date, expectedFingerprint: string): Promise<ImportOutcome> {
  const { plan, bundle } = await planWithBundle(bytes, user);
  if (plan.errors.length > 0) throw new ImportHasErrorsError(plan.errors);
  if (plan.fingerprint !== expectedFingerprint) throw new ImportPlanChangedError();
  const banksById = new Map(bundle.banks.map((bank) => [bank.id, bank]));
  const outcome: ImportOutcome = { created: [], updated: [], unchanged: [], refused: [], conflicts: [] };
  for (const entry of plan.modules) {
    const source = bundle.modules.find((module) => module.manifest.id === entry.moduleId)!;
    const content = draftContent(source, ownBank(source, banksById));
    try {
      if (entry.action === 'unchanged') outcome.unchanged.push(entry.moduleId);
      else if (entry.action === 'refused') outcome.refused.push(entry.moduleId);
      else if (entry.action === 'create') {
        await createDraft({ moduleId: entry.moduleId, manifest: content.manifest, lessons: content.lessons, bank: content.bank }, user, now);
        outcome.created.push(entry.moduleId);
      } else {
        const revision = entry.revision ?? (await openPublished(entry.moduleId, user, now));
        await saveDraft(entry.moduleId, revision, content, user, now);
        outcome.updated.push(entry.moduleId);
      }
    } catch (error) {
      if (error instanceof DraftConflictError || error instanceof DraftExistsError) outcome.conflicts.push(entry.moduleId);
      else if (error instanceof NotAllowedError) outcome.refused.push(entry.moduleId);
      else throw error;
    }
  }
  return outcome;
}

/** Starts the draft the dry run found missing; one someone else started meanwhile is a conflict, not a draft to overwrite. */
async function openPublished(moduleId: string, user: Author, now: Date): Promise<number> {
  const opened = await draftFromPublished(moduleId, user, now);
  if (opened.revision !== 1 || opened.updatedBy !== user._id.toString()) {
    throw new DraftConflictError(moduleId, opened.revision, opened.updatedByName, opened.updatedAt);
  }
  return opened.revision;
}

async function planModule(source: ModuleSource, bank: QuestionBank | undefined, user: Author): Promise<ModulePlan> {
  const moduleId = source.manifest.id;
  const summary = { moduleId, changedFiles: [] as string[], lessonCount: source.lessons.length, itemCount: bank?.items.length ?? 0, ...(bank ? { bankId: bank.id } : {}) };
  const incoming = contentFiles({ manifest: source.manifest, lessons: source.lessons, bank });
  const draft = await getDraft(moduleId);
  if (draft) {
    const base = { ...summary, revision: draft.revision, ...(draft.baseVersion ? { baseVersion: draft.baseVersion } : {}) };
    if (!canEdit(user, draft)) return { ...base, action: 'refused', reason: 'notEditor' };
    const changedFiles = changedBetween(incoming, draftFiles(draft));
    return { ...base, action: changedFiles.length === 0 ? 'unchanged' : 'update', changedFiles };
  }
  const published = await findLatestModule(moduleId);
  if (!published) {
    if (RESERVED_MODULE_IDS.includes(moduleId)) return { ...summary, action: 'refused', reason: 'reservedId' };
    return { ...summary, action: 'create', changedFiles: incoming.map((file) => file.path) };
  }
  const [publishedBank] = bank ? await findLatestBanks([bank.id]) : [];
  const current = contentFiles({ ...moduleOfVersion(published), bank: publishedBank ? bankOfVersion(publishedBank) : undefined });
  const changedFiles = changedBetween(incoming, current);
  if (changedFiles.length === 0) return { ...summary, baseVersion: published.version, action: 'unchanged' };
  // Modules from the catalog are opened for editing by an admin, who then names editors (as in the workspace).
  if (!user.roles.includes('admin')) return { ...summary, baseVersion: published.version, action: 'refused', reason: 'adminOpensPublished', changedFiles };
  return { ...summary, baseVersion: published.version, action: 'update', changedFiles };
}

/** The bank a module's draft edits: the one named like the module, else the first its pools draw from (as the workspace chooses). */
function ownBank(source: ModuleSource, banks: Map<string, QuestionBank>): QuestionBank | undefined {
  const ids = poolBankIds(source.manifest);
  const own = ids.includes(source.manifest.id) ? source.manifest.id : ids[0];
  return own ? banks.get(own) : undefined;
}

function draftContent(source: ModuleSource, bank: QuestionBank | undefined): { manifest: DraftManifest; lessons: DraftLesson[]; bank?: DraftBank } {
  return {
    manifest: source.manifest,
    lessons: source.lessons.map(({ path: _path, ...lesson }) => lesson),
    ...(bank ? { bank } : {}),
  };
}

/** Versions are left out: publishing assigns them, and a zip of an older version is still the same content. */
function contentFiles(content: { manifest: DraftManifest; lessons: readonly (DraftLesson & { path?: string })[]; bank?: DraftBank }): CourseFile[] {
  const paths = lessonPaths(content.lessons);
  const module: ModuleSource = {
    manifest: { ...(content.manifest as ModuleSource['manifest']), version: 1, lessons: paths },
    lessons: content.lessons.map((lesson, index) => ({ ...lesson, path: paths[index]! })),
  };
  return [...moduleFiles(module), ...(content.bank ? bankFiles(withoutVersion(content.bank as QuestionBank)) : [])];
}

/** A draft may break the format; then it cannot be written as files and every incoming file counts as a change. */
function draftFiles(draft: ModuleDraft): CourseFile[] {
  try {
    return contentFiles(draft);
  } catch {
    return [];
  }
}

function changedBetween(incoming: CourseFile[], current: CourseFile[]): string[] {
  const before = new Map(current.map((file) => [file.path, file.text]));
  const changed = incoming.filter((file) => before.get(file.path) !== file.text).map((file) => file.path);
  const removed = current.filter((file) => !incoming.some((other) => other.path === file.path)).map((file) => file.path);
  return [...changed, ...removed].sort();
}

function sameFiles(a: CourseFile[], b: CourseFile[]): boolean {
  return changedBetween(a, b).length === 0;
}

function withoutVersion(bank: QuestionBank): QuestionBank {
  return { ...bank, version: 1 };
}

function poolBankIds(manifest: { assessment?: { pools: { bank: string }[] } }): string[] {
  return [...new Set((manifest.assessment?.pools ?? []).map((pool) => pool.bank))];
}

function moduleOfVersion(module: ModuleVersion): ModuleSource {
  const manifest = manifestOfVersion(module) as ModuleSource['manifest'];
  return {
    manifest,
    lessons: module.lessons.map(({ id, title, titleEn, minutes, markdown }, index) => ({ path: manifest.lessons[index]!, id, title, ...(titleEn ? { titleEn } : {}), minutes, markdown })),
  };
}

function bankOfVersion(bank: BankVersion): QuestionBank {
  return { id: bank.bankId, version: bank.version, track: bank.track as QuestionBank['track'], title: bank.title, items: bank.items };
}

function fingerprintOf(checksum: string, modules: ModulePlan[]): string {
  const state = modules.map((plan) => [plan.moduleId, plan.action, plan.revision ?? null, plan.baseVersion ?? null]);
  return createHash('sha256').update(JSON.stringify([checksum, state])).digest('hex');
}
