import { contentHashOf, findLatestBanks, findLatestModule, syncCatalog, type LoadedCatalog } from '../courses';
import { recordAudit } from './audit';
import { diffDraftAgainstPublished, diffLabels } from './diff';
import { canEdit, requireDraft } from './drafts';
import { DraftConflictError, DraftInvalidError, NotAllowedError, PublishConflictError } from './errors';
import type { Author } from './types';
import { validateDraft } from './validate';

export interface PublishOutcome {
  moduleId: string;
  version: number;
  /** The bank version the assessment now draws from; a new one only if the items changed. */
  bankVersion?: number;
  bankPublished: boolean;
}

const sameBank = (a: { track: string; title: unknown; items: unknown }, b: { track: string; title: unknown; items: unknown }) =>
  contentHashOf({ track: a.track, title: a.title, items: a.items }) === contentHashOf({ track: b.track, title: b.title, items: b.items });

/**
 * Publishes the draft as the module's next version (and its bank's, if the items changed), through
 * the catalog's own insert-once sync: a stored version is never edited, learners who started an
 * older version finish on it, and two people publishing at once cannot both create one version.
 * `expectedRevision` is the revision the person reviewed; a newer save refuses the publish.
 */
export async function publishDraft(
  draftId: string,
  user: Author,
  now: Date,
  options: { expectedRevision?: number } = {},
): Promise<PublishOutcome> {
  const draft = await requireDraft(draftId);
  if (!canEdit(user, draft)) throw new NotAllowedError(draftId);
  if (options.expectedRevision !== undefined && options.expectedRevision !== draft.revision) {
    throw new DraftConflictError(draftId, draft.revision, draft.updatedByName, draft.updatedAt);
  }
  const validation = await validateDraft(draft);
  if (!validation.candidate) throw new DraftInvalidError(draftId, validation.errors);
  const { manifest, lessons, bank } = validation.candidate;
  const diff = await diffDraftAgainstPublished(draft);

  const catalog: LoadedCatalog = { modules: [], banks: [], errors: [] };
  let bankVersion: number | undefined;
  let bankPublished = false;
  if (bank) {
    const [latest] = await findLatestBanks([bank.id]);
    if (latest && sameBank(latest, bank)) {
      bankVersion = latest.version;
    } else {
      const published = { ...bank, version: (latest?.version ?? 0) + 1 };
      bankVersion = published.version;
      bankPublished = true;
      catalog.banks.push({ bank: published, contentHash: contentHashOf(published), file: `draft:${draftId}` });
    }
  }
  const version = ((await findLatestModule(draftId))?.version ?? 0) + 1;
  const publishedManifest = { ...manifest, version };
  catalog.modules.push({
    manifest: publishedManifest,
    lessons,
    contentHash: contentHashOf({ manifest: publishedManifest, lessons }),
    file: `draft:${draftId}`,
  });

  const report = await syncCatalog(catalog, now);
  if (report.conflicts.length > 0) throw new PublishConflictError(draftId, version);

  await recordAudit({
    draftId,
    at: now,
    userId: user._id.toString(),
    userName: user.displayName,
    action: 'publish',
    revision: draft.revision,
    version,
    changes: diffLabels(diff),
  });
  return { moduleId: draftId, version, bankVersion, bankPublished };
}
