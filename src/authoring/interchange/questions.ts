import { requireDraft, saveDraft, type Author, type DraftBank, type ModuleDraft } from '..';
import { importAiken } from './aiken';
import { importGift } from './gift';
import { idPrefixFor, type FeedbackLabels, type QuestionImport } from './question-import';

export const QUESTION_FORMATS = ['gift', 'aiken'] as const;
export type QuestionFormat = (typeof QUESTION_FORMATS)[number];

/** Pasted or uploaded question text; Moodle exports of a few hundred questions stay well under this. */
export const MAX_QUESTION_TEXT_BYTES = 512 * 1024;

/** Converts question text into items for a draft's bank: ids continue the bank's own numbering. */
export function convertQuestions(draft: Pick<ModuleDraft, 'moduleId' | 'bank'>, format: QuestionFormat, text: string, labels?: FeedbackLabels): QuestionImport {
  const existingIds = (draft.bank?.items ?? []).map((item) => item.id);
  const options = { existingIds, idPrefix: idPrefixFor(draft.bank?.id ?? draft.moduleId, existingIds), ...(labels ? { labels } : {}) };
  return format === 'gift' ? importGift(text, options) : importAiken(text, options);
}

/**
 * Adds the converted items to the draft's bank (creating the module's own bank if it has none)
 * as one save from `expectedRevision`: a save by someone else since the preview is a conflict,
 * never overwritten. The conversion runs again on the draft as it is, so ids cannot collide.
 */
export async function addQuestionsToDraft(
  draftId: string,
  expectedRevision: number,
  format: QuestionFormat,
  text: string,
  user: Author,
  now: Date,
  labels?: FeedbackLabels,
): Promise<{ draft: ModuleDraft; imported: QuestionImport }> {
  const current = await requireDraft(draftId);
  const imported = convertQuestions(current, format, text, labels);
  if (imported.items.length === 0) return { draft: current, imported };
  const bank: DraftBank = current.bank
    ? { ...current.bank, items: [...current.bank.items, ...imported.items] }
    : { id: current.moduleId, version: 1, track: current.manifest.track, title: current.manifest.title, items: imported.items };
  const draft = await saveDraft(draftId, expectedRevision, { bank }, user, now);
  return { draft, imported };
}
