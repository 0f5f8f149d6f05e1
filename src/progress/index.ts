export {
  findProgress,
  moduleVersionForLearner,
  recordLessonOpened,
  markLessonStudied,
  summarizeProgress,
  listLearnerProgress,
  type ProgressSummary,
  type StudyResult,
  type ProgressOverviewRow,
} from './service';
export { ModuleProgressModel, type ModuleProgress } from './store';
