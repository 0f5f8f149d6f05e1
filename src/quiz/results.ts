import { findLatestModule, findBankVersion, type ModuleVersion } from '../courses';
import { AttemptModel, AttemptResultModel, type StoredAttempt, type StoredResult } from './attempt-store';
import { moduleStatistics, type ModuleStatistics } from './statistics';

export interface ModuleResultsReport {
  module: ModuleVersion;
  statistics: ModuleStatistics;
  /** Item key → stem, so trainers can read the weak questions. */
  stems: Record<string, string>;
}

/** Every graded attempt at a module (all versions), with per-item statistics. */
export async function moduleResultsReport(moduleId: string): Promise<ModuleResultsReport | undefined> {
  const module = await findLatestModule(moduleId);
  if (!module?.assessment) return undefined;
  const results = await AttemptResultModel.find({ moduleId }, { grade: 1 }).lean<Pick<StoredResult, 'grade'>[]>();
  const statistics = moduleStatistics(results.map((result) => result.grade));
  const stems: Record<string, string> = {};
  for (const bankId of new Set(module.assessment.pools.map((pool) => pool.bank))) {
    const attempts = await AttemptModel.find({ moduleId, 'draw.items.bankId': bankId }, { 'draw.items': 1 }).limit(1).lean<StoredAttempt[]>();
    const version = attempts[0]?.draw.items.find((item) => item.bankId === bankId)?.bankVersion;
    const bank = version === undefined ? undefined : await findBankVersion(bankId, version);
    for (const item of bank?.items ?? []) stems[`${bankId}/${item.id}`] = item.stem;
  }
  return { module, statistics, stems };
}

export interface AttemptRow {
  attemptId: string;
  userId: string;
  moduleVersion: number;
  submittedAt: Date;
  percent: number;
  passed: boolean;
  late: boolean;
}

/** Graded attempts in submission order, streamed so an export never holds them all in memory. */
export async function* attemptRows(moduleId: string): AsyncGenerator<AttemptRow> {
  const cursor = AttemptResultModel.find({ moduleId }, { attemptId: 1, userId: 1, moduleVersion: 1, submittedAt: 1, late: 1, grade: 1 })
    .sort({ submittedAt: 1 })
    .lean<StoredResult[]>()
    .cursor();
  for await (const result of cursor as AsyncIterable<StoredResult>) {
    yield {
      attemptId: result.attemptId,
      userId: result.userId.toString(),
      moduleVersion: result.moduleVersion,
      submittedAt: result.submittedAt,
      percent: result.grade.percent,
      passed: result.grade.passed,
      late: result.late,
    };
  }
}
