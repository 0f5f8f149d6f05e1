import { BankVersionModel, ModuleVersionModel, type BankVersion, type ModuleVersion } from './store';
import { TRACKS, type Track } from './schema';

export type ModuleSummary = Omit<ModuleVersion, 'lessons'> & { lessonCount: number; minutes: number };

/** The newest published version of every module, grouped by track in the order tracks are taught. */
export async function listLatestModules(): Promise<{ track: Track; modules: ModuleSummary[] }[]> {
  const versions = await ModuleVersionModel.find({}, { 'lessons.markdown': 0, 'lessons.html': 0 })
    .sort({ moduleId: 1, version: -1 })
    .lean<ModuleVersion[]>();
  const latest = new Map<string, ModuleSummary>();
  for (const { lessons, ...module } of versions) {
    if (latest.has(module.moduleId)) continue;
    latest.set(module.moduleId, {
      ...module,
      lessonCount: lessons.length,
      minutes: lessons.reduce((sum, lesson) => sum + lesson.minutes, 0),
    });
  }
  return TRACKS.map((track) => ({ track, modules: [...latest.values()].filter((m) => m.track === track) })).filter(
    (group) => group.modules.length > 0,
  );
}

/** The same modules as `listLatestModules`, in the same order, without the track groups. */
export async function listLatestModulesFlat(): Promise<ModuleSummary[]> {
  return (await listLatestModules()).flatMap((group) => group.modules);
}

export async function findModuleVersion(moduleId: string, version: number): Promise<ModuleVersion | null> {
  return ModuleVersionModel.findOne({ moduleId, version }).lean<ModuleVersion>();
}

export async function findLatestModule(moduleId: string): Promise<ModuleVersion | null> {
  return ModuleVersionModel.findOne({ moduleId }).sort({ version: -1 }).lean<ModuleVersion>();
}

/** Every published version of a module, newest first, without its content. */
export async function listModuleVersions(moduleId: string): Promise<{ version: number; publishedAt: Date }[]> {
  return ModuleVersionModel.find({ moduleId }, { _id: 0, version: 1, publishedAt: 1 }).sort({ version: -1 }).lean<{ version: number; publishedAt: Date }[]>();
}

export async function findBankVersion(bankId: string, version: number): Promise<BankVersion | null> {
  return BankVersionModel.findOne({ bankId, version }, { _id: 0, bankId: 1, version: 1, track: 1, title: 1, items: 1 }).lean<BankVersion>();
}

/** The newest version of each named bank. */
export async function findLatestBanks(bankIds: readonly string[]): Promise<BankVersion[]> {
  const versions = await BankVersionModel.find({ bankId: { $in: [...bankIds] } }, { _id: 0, bankId: 1, version: 1, track: 1, title: 1, items: 1 })
    .sort({ bankId: 1, version: -1 })
    .lean<BankVersion[]>();
  const latest = new Map<string, BankVersion>();
  for (const bank of versions) if (!latest.has(bank.bankId)) latest.set(bank.bankId, bank);
  return [...latest.values()];
}
