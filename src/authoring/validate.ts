import type { z } from 'zod';
import {
  assessmentPolicySchema,
  findLatestBanks,
  lessonFrontMatterSchema,
  moduleManifestSchema,
  poolProblems,
  questionBankSchema,
  renderLessonMarkdown,
  type LoadedLesson,
  type ModuleManifest,
  type QuestionBank,
} from '../courses';
import { lessonPaths } from './drafts';
import type { DraftError, ModuleDraft } from './types';

/** A draft that passed every rule, in the exact shape the file loader produces. */
export interface PublishCandidate {
  manifest: ModuleManifest;
  lessons: LoadedLesson[];
  bank?: QuestionBank;
}

export interface DraftValidation {
  ok: boolean;
  errors: DraftError[];
  candidate?: PublishCandidate;
}

function issuesAt(prefix: string, error: z.ZodError): DraftError[] {
  return error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
}

/**
 * Checks a draft against the course format with the schemas `npm run courses:check` uses, plus
 * the loader's cross-file rules (lesson content and ids, pools satisfiable from the banks).
 * Versions are set to the ones publishing would give, so they never fail a draft.
 */
export async function validateDraft(draft: Pick<ModuleDraft, 'moduleId' | 'manifest' | 'lessons' | 'bank' | 'baseVersion'>): Promise<DraftValidation> {
  const errors: DraftError[] = [];
  const manifestCheck = moduleManifestSchema.safeParse({
    ...draft.manifest,
    id: draft.moduleId,
    version: (draft.baseVersion ?? 0) + 1,
    lessons: lessonPaths(draft.lessons),
  });
  if (!manifestCheck.success) errors.push(...issuesAt('manifest', manifestCheck.error));

  const lessons: LoadedLesson[] = [];
  const lessonIds = new Map<string, number>();
  draft.lessons.forEach(({ markdown, ...frontMatter }, index) => {
    const check = lessonFrontMatterSchema.safeParse(frontMatter);
    if (!check.success) errors.push(...issuesAt(`lessons.${index}`, check.error));
    const earlier = lessonIds.get(frontMatter.id);
    if (earlier !== undefined) errors.push({ path: `lessons.${index}.id`, message: `lesson id "${frontMatter.id}" is already used by lesson ${earlier + 1}` });
    else lessonIds.set(frontMatter.id, index);
    const body = (markdown ?? '').trim();
    if (body.length === 0) errors.push({ path: `lessons.${index}.markdown`, message: 'the lesson has no content after its front matter' });
    if (check.success && body.length > 0) lessons.push({ ...check.data, markdown: body, html: renderLessonMarkdown(body) });
  });

  let bank: QuestionBank | undefined;
  if (draft.bank) {
    const bankCheck = questionBankSchema.safeParse(draft.bank);
    if (bankCheck.success) bank = bankCheck.data;
    else errors.push(...issuesAt('bank', bankCheck.error));
  }

  // Pools are checked even while other manifest fields are still wrong, so every problem shows at once.
  const assessment = manifestCheck.data ? manifestCheck.data.assessment : assessmentPolicySchema.safeParse(draft.manifest.assessment).data;
  const pools = assessment?.pools ?? [];
  const otherBankIds = [...new Set(pools.map((pool) => pool.bank))].filter((id) => id !== draft.bank?.id);
  const banks = new Map<string, Pick<QuestionBank, 'items'>>((await findLatestBanks(otherBankIds)).map((b) => [b.bankId, b]));
  // A bank with errors is reported above; its pools are not checked against it, as in the loader.
  if (bank) banks.set(bank.id, bank);
  for (const { index, message } of poolProblems(pools, banks)) {
    if (draft.bank && !bank && pools[index]?.bank === draft.bank.id) continue;
    errors.push({ path: `manifest.assessment.pools.${index}`, message });
  }

  if (errors.length > 0 || !manifestCheck.success) return { ok: false, errors };
  return { ok: true, errors, candidate: { manifest: manifestCheck.data, lessons, bank } };
}
