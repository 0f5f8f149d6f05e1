import type { z } from 'zod';
import type { lessonFrontMatterSchema, moduleManifestSchema, questionBankSchema } from '../courses';

/**
 * A draft holds work in progress: it has the shape of the course format but may break any of
 * its rules until it is published. `validateDraft` says which, with the one schema.
 */
export type DraftManifest = z.input<typeof moduleManifestSchema>;
export type DraftBank = z.input<typeof questionBankSchema>;
export type DraftItem = DraftBank['items'][number];
export type DraftLesson = z.input<typeof lessonFrontMatterSchema> & { markdown: string };

export interface ModuleDraft {
  /** The draft id. There is one draft per module, so it is the module id. */
  _id: string;
  moduleId: string;
  /** The newest published version of the module, if any (read from the catalog, not stored). */
  baseVersion?: number;
  /** Increases by one with every save; a save names the revision it started from. */
  revision: number;
  owners: string[];
  editors: string[];
  /** `manifest.lessons` (file paths) is derived from `lessons` on every save. */
  manifest: DraftManifest;
  lessons: DraftLesson[];
  /** The module's own question bank (id = module id for new modules); absent until a question is written. */
  bank?: DraftBank;
  updatedAt: Date;
  updatedBy: string;
  updatedByName: string;
}

/** What a save may replace; anything left out is kept from the revision it started from. */
export type DraftChanges = Partial<Pick<ModuleDraft, 'manifest' | 'lessons' | 'bank' | 'owners' | 'editors'>>;

/** Who is acting: the signed-in user as the web layer has it. */
export interface Author {
  _id: { toString(): string };
  displayName: string;
  roles: readonly string[];
}

/** One rule a draft breaks, at a dotted path such as `manifest.title.zh-CN` or `bank.items.2.options.1.text`. */
export interface DraftError {
  path: string;
  message: string;
}
