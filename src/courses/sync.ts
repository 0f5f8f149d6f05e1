import { BankVersionModel, ModuleVersionModel } from './store';
import type { LoadedCatalog } from './load';

export interface SyncReport {
  published: string[];
  unchanged: string[];
  /** Same id and version as a stored one, different content: refused, the stored one stays. */
  conflicts: string[];
}

const DUPLICATE_KEY = 11000;

/**
 * Brings the database up to date with the files. Safe to run on every start and from several
 * processes at once: the unique (id, version) index decides, never a read followed by a write.
 */
export async function syncCatalog(catalog: LoadedCatalog, now = new Date()): Promise<SyncReport> {
  const report: SyncReport = { published: [], unchanged: [], conflicts: [] };
  for (const { manifest, lessons, contentHash } of catalog.modules) {
    const label = `module ${manifest.id}@${manifest.version}`;
    await publishOnce(report, label, contentHash, () => ModuleVersionModel.findOne({ moduleId: manifest.id, version: manifest.version }, { contentHash: 1 }).lean(), () =>
      ModuleVersionModel.create({
        moduleId: manifest.id,
        version: manifest.version,
        contentHash,
        title: manifest.title,
        summary: manifest.summary,
        track: manifest.track,
        category: manifest.category,
        creditHours: manifest.creditHours,
        minSecondsPerLesson: manifest.completion.minSecondsPerLesson ?? 0,
        assessment: manifest.assessment,
        lessons,
        publishedAt: now,
      }),
    );
  }
  for (const { bank, contentHash } of catalog.banks) {
    const label = `bank ${bank.id}@${bank.version}`;
    await publishOnce(report, label, contentHash, () => BankVersionModel.findOne({ bankId: bank.id, version: bank.version }, { contentHash: 1 }).lean(), () =>
      BankVersionModel.create({ bankId: bank.id, version: bank.version, contentHash, track: bank.track, title: bank.title, items: bank.items, publishedAt: now }),
    );
  }
  return report;
}

async function publishOnce(
  report: SyncReport,
  label: string,
  contentHash: string,
  findStored: () => Promise<{ contentHash: string } | null>,
  insert: () => Promise<unknown>,
): Promise<void> {
  try {
    await insert();
    report.published.push(label);
  } catch (error) {
    if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    const stored = await findStored();
    if (stored?.contentHash === contentHash) report.unchanged.push(label);
    else report.conflicts.push(label);
  }
}
