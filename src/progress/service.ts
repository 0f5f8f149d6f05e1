import type { Types } from 'mongoose';
import { findLatestModule, findModuleVersion, type ModuleVersion } from '../courses';
import { ModuleProgressModel, type ModuleProgress } from './store';

export interface ProgressSummary {
  studied: number;
  total: number;
  percent: number;
  lessonsDone: boolean;
  /** Where "continue" takes the learner: the last lesson opened if unfinished, else the first unstudied one. */
  resumeLessonId: string;
  studiedLessonIds: string[];
}

export type StudyResult =
  | { status: 'studied' }
  | { status: 'not-opened' }
  | { status: 'too-soon'; secondsRemaining: number };

const key = (module: ModuleVersion, userId: Types.ObjectId) => ({
  userId,
  moduleId: module.moduleId,
  moduleVersion: module.version,
});

export async function findProgress(userId: Types.ObjectId, module: ModuleVersion): Promise<ModuleProgress | null> {
  return ModuleProgressModel.findOne(key(module, userId)).lean<ModuleProgress>();
}

/**
 * The version a learner studies: the one they started, until they have finished it, then the
 * newest. Publishing a new version never moves someone mid-module.
 */
export async function moduleVersionForLearner(userId: Types.ObjectId, moduleId: string): Promise<ModuleVersion | null> {
  const latest = await findLatestModule(moduleId);
  if (!latest) return null;
  const started = await ModuleProgressModel.find({ userId, moduleId }).sort({ moduleVersion: -1 }).lean<ModuleProgress[]>();
  for (const progress of started) {
    if (progress.moduleVersion === latest.version) return latest;
    const module = await findModuleVersion(moduleId, progress.moduleVersion);
    if (module && !summarizeProgress(module, progress).lessonsDone) return module;
  }
  return latest;
}

export async function recordLessonOpened(userId: Types.ObjectId, module: ModuleVersion, lessonId: string, now = new Date()): Promise<void> {
  await ModuleProgressModel.updateOne(
    key(module, userId),
    {
      $setOnInsert: { startedAt: now },
      $min: { [`lessons.${lessonId}.openedAt`]: now },
      $set: { lastLessonId: lessonId, lastActivityAt: now },
    },
    { upsert: true },
  );
}

/**
 * Marks a lesson studied once the module's minimum time has passed since it was first opened.
 * The time check is part of the update's filter, so no request can mark it early; concurrent
 * requests may each set the time (FerretDB v1 does not isolate them), which only moves it by
 * the seconds between them.
 */
export async function markLessonStudied(userId: Types.ObjectId, module: ModuleVersion, lessonId: string, now = new Date()): Promise<StudyResult> {
  const minimumMs = (module.minSecondsPerLesson ?? 0) * 1000;
  const openedPath = `lessons.${lessonId}.openedAt`;
  const result = await ModuleProgressModel.updateOne(
    { ...key(module, userId), [openedPath]: { $lte: new Date(now.getTime() - minimumMs) } },
    { $min: { [`lessons.${lessonId}.studiedAt`]: now }, $set: { lastActivityAt: now } },
  );
  if (result.matchedCount === 1) return { status: 'studied' };
  const progress = await findProgress(userId, module);
  const openedAt = progress?.lessons[lessonId]?.openedAt;
  if (!openedAt) return { status: 'not-opened' };
  return { status: 'too-soon', secondsRemaining: Math.ceil((openedAt.getTime() + minimumMs - now.getTime()) / 1000) };
}

export function summarizeProgress(module: ModuleVersion, progress: ModuleProgress | null): ProgressSummary {
  const lessons = progress?.lessons ?? {};
  const studiedLessonIds = module.lessons.filter((lesson) => lessons[lesson.id]?.studiedAt).map((lesson) => lesson.id);
  const total = module.lessons.length;
  const firstUnstudied = module.lessons.find((lesson) => !studiedLessonIds.includes(lesson.id));
  const last = progress?.lastLessonId;
  const resumeLessonId =
    last && !studiedLessonIds.includes(last) && module.lessons.some((lesson) => lesson.id === last)
      ? last
      : (firstUnstudied ?? module.lessons[0])!.id;
  return {
    studied: studiedLessonIds.length,
    total,
    percent: total === 0 ? 0 : Math.round((studiedLessonIds.length / total) * 100),
    lessonsDone: studiedLessonIds.length === total,
    resumeLessonId,
    studiedLessonIds,
  };
}

export interface ProgressOverviewRow {
  module: ModuleVersion;
  progress: ModuleProgress;
  summary: ProgressSummary;
}

/** Everything a learner has started, most recent first. */
export async function listLearnerProgress(userId: Types.ObjectId): Promise<ProgressOverviewRow[]> {
  const records = await ModuleProgressModel.find({ userId }).sort({ lastActivityAt: -1 }).lean<ModuleProgress[]>();
  const rows: ProgressOverviewRow[] = [];
  for (const progress of records) {
    const module = await findModuleVersion(progress.moduleId, progress.moduleVersion);
    if (module) rows.push({ module, progress, summary: summarizeProgress(module, progress) });
  }
  return rows;
}
