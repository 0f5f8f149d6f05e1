export * from './schema';
export { loadCatalog, poolProblems, hashOf as contentHashOf, type LoadedCatalog, type LoadedModule, type LoadedBank, type LoadedLesson } from './load';
export { formatCourseError, type CourseError } from './source-errors';
export { renderLessonMarkdown, sanitizeLessonHtml } from './markdown';
export { syncCatalog, type SyncReport } from './sync';
export { listLatestModules, listLatestModulesFlat, listModuleVersions, findModuleVersion, findLatestModule, findBankVersion, findLatestBanks, type ModuleSummary } from './queries';
export { ModuleVersionModel, BankVersionModel, type ModuleVersion, type Lesson, type BankVersion } from './store';
export { courseJsonSchema, renderCourseJsonSchema, COURSE_SCHEMA_FILE } from './json-schema';
export { YamlSource } from './yaml-source';
