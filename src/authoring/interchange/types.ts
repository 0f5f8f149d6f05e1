import type { LessonFrontMatter, ModuleManifest, QuestionBank } from '../../courses';

/** One file of a `courses/` tree, by its path inside the zip (always starting `courses/`). */
export interface CourseFile {
  path: string;
  text: string;
}

/** A lesson as its file holds it: front matter, Markdown source and where the manifest lists it. */
export interface LessonSource extends LessonFrontMatter {
  /** Relative to the module folder, as in the manifest: `lessons/01-topic.md`. */
  path: string;
  markdown: string;
}

/** A module as files hold it; `manifest.lessons[i]` is `lessons[i].path`. */
export interface ModuleSource {
  manifest: ModuleManifest;
  lessons: LessonSource[];
}

/** What a zip carries: modules and the banks their pools draw from. */
export interface CourseBundle {
  modules: ModuleSource[];
  banks: QuestionBank[];
}
