import { findLatestBanks, type AssessmentPolicy } from '../courses';
import {
  bankVersionLookup,
  buildReview,
  createSeed,
  drawAttempt,
  gradeAttempt,
  presentAttempt,
  resolveDraw,
  validateSubmission,
  type AttemptReview,
  type BankContent,
  type DrawnItem,
  type PresentedItem,
  type Rejection,
} from '../quiz';
import type { PublishCandidate } from './validate';

/**
 * Taking a draft's assessment as a learner would, with nothing stored: the seed travels with the
 * page, so the same draw is rebuilt to grade it.
 */
export interface QuizPreview {
  seed: string;
  policy: AssessmentPolicy;
  items: DrawnItem[];
  presented: PresentedItem[];
}

export type PreviewResult = { ok: true; review: AttemptReview } | { ok: false; rejections: Rejection[] };

/** The draw a learner could get; undefined when the module has no assessment. */
export async function previewQuiz(candidate: PublishCandidate, seed: string = createSeed()): Promise<QuizPreview | undefined> {
  const policy = candidate.manifest.assessment;
  if (!policy) return undefined;
  const bankIds = [...new Set(policy.pools.map((pool) => pool.bank))];
  const banks = new Map<string, BankContent>((await findLatestBanks(bankIds)).map((bank) => [bank.bankId, { version: bank.version, items: bank.items }]));
  if (candidate.bank) banks.set(candidate.bank.id, { version: candidate.bank.version, items: candidate.bank.items });
  const draw = drawAttempt({ policy, banks, seed });
  const items = resolveDraw(draw, bankVersionLookup(banks));
  return { seed, policy, items, presented: presentAttempt(items) };
}

/** Grades answers (presented ids, as the attempt form sends them) and reveals everything: the author is checking the key. */
export function gradePreview(preview: QuizPreview, rawAnswers: unknown): PreviewResult {
  const check = validateSubmission(preview.items, rawAnswers);
  if (!check.ok) return { ok: false, rejections: check.rejections };
  const grade = gradeAttempt(preview.items, check.responses, preview.policy);
  return { ok: true, review: buildReview(preview.items, check.responses, grade, { reveal: true }) };
}
