import { z } from 'zod';

/**
 * One definition per shape: the checker, the importer, the mongoose models and the published
 * JSON Schema (docs/course-schema.json) all derive from these.
 */

export const TRACKS = [
  'homeroom-new',
  'homeroom-inservice',
  'homeroom-backbone',
  'school-based',
  'ethics-integrity',
  'safety',
] as const;
export const CATEGORIES = [...TRACKS, 'other'] as const;

export const trackSchema = z.enum(TRACKS);
export const categorySchema = z.enum(CATEGORIES);
export type Track = z.infer<typeof trackSchema>;
export type Category = z.infer<typeof categorySchema>;

export const idSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'ids are lowercase letters, digits and hyphens, starting with a letter')
  .max(80);

const text = z.string().trim().min(1, 'must not be empty');

export const localizedTextSchema = z.strictObject({
  'zh-CN': text,
  en: text.optional(),
});
export type LocalizedText = z.infer<typeof localizedTextSchema>;

export const poolSchema = z
  .strictObject({
    bank: idSchema,
    draw: z.int().min(1).max(200).optional(),
    tags: z.array(idSchema).min(1).optional(),
    items: z.array(idSchema).min(1).optional(),
  })
  .refine((pool) => (pool.draw === undefined) !== (pool.items === undefined), {
    message: 'a pool either draws N random items ("draw") or names fixed "items", not both',
  })
  .refine((pool) => !(pool.items && pool.tags), {
    message: '"tags" filter random draws; fixed "items" take no tags',
    path: ['tags'],
  });
export type Pool = z.infer<typeof poolSchema>;

export const assessmentPolicySchema = z.strictObject({
  passMark: z.number().min(1).max(100),
  maxAttempts: z.int().min(1).max(100).optional(),
  cooldownMinutes: z.number().min(0).max(60 * 24 * 30).default(0),
  timeLimitMinutes: z.number().min(1).max(600).optional(),
  countedAttempt: z.enum(['highest', 'last']).default('highest'),
  review: z.enum(['after-each-attempt', 'after-pass', 'never']).default('after-each-attempt'),
  recertifyMonths: z.int().min(1).max(120).optional(),
  shuffleItems: z.boolean().default(true),
  shuffleOptions: z.boolean().default(true),
  pools: z.array(poolSchema).min(1),
});
export type AssessmentPolicy = z.infer<typeof assessmentPolicySchema>;

const lessonPathSchema = z
  .string()
  .regex(/^lessons\/[a-z0-9][a-z0-9-]*\.md$/, 'lesson paths look like lessons/01-topic.md');

export const moduleManifestSchema = z.strictObject({
  id: idSchema,
  version: z.int().min(1),
  title: localizedTextSchema,
  summary: localizedTextSchema.optional(),
  track: trackSchema,
  category: categorySchema,
  creditHours: z.number().gt(0).max(200),
  lessons: z.array(lessonPathSchema).min(1).max(100),
  completion: z
    .strictObject({ minSecondsPerLesson: z.int().min(0).max(3600).optional() })
    .default({}),
  assessment: assessmentPolicySchema.optional(),
});
export type ModuleManifest = z.infer<typeof moduleManifestSchema>;

export const lessonFrontMatterSchema = z.strictObject({
  id: idSchema,
  title: text,
  titleEn: text.optional(),
  minutes: z.int().min(1).max(60),
});
export type LessonFrontMatter = z.infer<typeof lessonFrontMatterSchema>;

const optionSchema = z.strictObject({
  id: idSchema,
  text,
  feedback: text.optional(),
  pinned: z.boolean().optional(),
});

const itemBase = {
  id: idSchema,
  stem: text,
  difficulty: z.enum(['easy', 'medium', 'hard']),
  tags: z.array(idSchema).min(1),
  points: z.number().gt(0).max(100).default(1),
  feedback: text,
};

const options = z.array(optionSchema).min(2).max(8);

export const singleChoiceItemSchema = z.strictObject({
  ...itemBase,
  type: z.literal('single'),
  options,
  answer: idSchema,
});
export const multipleChoiceItemSchema = z.strictObject({
  ...itemBase,
  type: z.literal('multiple'),
  options,
  answer: z.array(idSchema).min(1),
  scoring: z.enum(['all-or-nothing', 'partial']).default('all-or-nothing'),
});
export const trueFalseItemSchema = z.strictObject({
  ...itemBase,
  type: z.literal('true-false'),
  answer: z.boolean(),
});
export const orderingItemSchema = z.strictObject({
  ...itemBase,
  type: z.literal('ordering'),
  options,
  answer: z.array(idSchema).min(2),
});
const matchSideSchema = z.array(z.strictObject({ id: idSchema, text })).min(2).max(10);
export const matchingItemSchema = z.strictObject({
  ...itemBase,
  type: z.literal('matching'),
  premises: matchSideSchema,
  responses: matchSideSchema,
  answer: z.record(idSchema, idSchema),
});

const questionItemShapes = z.discriminatedUnion('type', [
  singleChoiceItemSchema,
  multipleChoiceItemSchema,
  trueFalseItemSchema,
  orderingItemSchema,
  matchingItemSchema,
]);

export const questionItemSchema = questionItemShapes.superRefine(checkAnswerIntegrity);
export type QuestionItem = z.infer<typeof questionItemSchema>;
export type QuestionType = QuestionItem['type'];

export const questionBankSchema = z.strictObject({
  id: idSchema,
  version: z.int().min(1),
  track: trackSchema,
  title: localizedTextSchema,
  items: z
    .array(questionItemSchema)
    .min(1)
    // Runs even when some items are invalid, so a trainer sees duplicates in the same pass.
    .check(
      z.superRefine(
        (items: unknown[], ctx) => {
          const ids = items.map((item) => (item as { id?: unknown } | null)?.id);
          reportDuplicateIds(ids.map((id) => (typeof id === 'string' ? id : '')), 'item', ctx, (index) => [index, 'id'], ['']);
        },
        { when: (payload) => Array.isArray(payload.value) },
      ),
    ),
});
export type QuestionBank = z.infer<typeof questionBankSchema>;

type IssuePath = (string | number)[];

function reportDuplicateIds(
  ids: string[],
  what: string,
  ctx: z.RefinementCtx,
  pathOf: (index: number) => IssuePath,
  ignore: string[] = [],
): void {
  const firstIndex = new Map<string, number>();
  ids.forEach((id, index) => {
    if (ignore.includes(id)) return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else ctx.addIssue({ code: 'custom', message: `duplicate ${what} id "${id}" (first used at position ${first + 1})`, path: pathOf(index) });
  });
}

/** An answer that names options which do not exist, or leaves some out, can never be graded fairly. */
function checkAnswerIntegrity(item: z.infer<typeof questionItemShapes>, ctx: z.RefinementCtx): void {
  const issue = (message: string, path: IssuePath = ['answer']) => ctx.addIssue({ code: 'custom', message, path });
  if (item.type === 'true-false') return;
  if (item.type === 'matching') {
    reportDuplicateIds(item.premises.map((p) => p.id), 'premise', ctx, (i) => ['premises', i, 'id']);
    reportDuplicateIds(item.responses.map((r) => r.id), 'response', ctx, (i) => ['responses', i, 'id']);
    const premiseIds = new Set(item.premises.map((p) => p.id));
    const responseIds = new Set(item.responses.map((r) => r.id));
    for (const [premise, response] of Object.entries(item.answer)) {
      if (!premiseIds.has(premise)) issue(`answer names premise "${premise}", which is not in premises`);
      if (!responseIds.has(response)) issue(`answer matches "${premise}" to "${response}", which is not in responses`);
    }
    for (const premise of premiseIds) {
      if (!(premise in item.answer)) issue(`answer does not say which response matches premise "${premise}"`);
    }
    return;
  }
  reportDuplicateIds(item.options.map((o) => o.id), 'option', ctx, (i) => ['options', i, 'id']);
  const optionIds = new Set(item.options.map((o) => o.id));
  const answers = typeof item.answer === 'string' ? [item.answer] : item.answer;
  for (const answer of answers) {
    if (!optionIds.has(answer)) issue(`answer names option "${answer}", which is not among the options`);
  }
  if (new Set(answers).size !== answers.length) issue('answer lists the same option twice');
  if (item.type === 'ordering' && answers.length !== optionIds.size) {
    issue('an ordering answer must list every option exactly once, in the correct order');
  }
  // Pinning a step would reveal its position in the answer.
  if (item.type === 'ordering' && item.options.some((o) => o.pinned)) issue('ordering steps cannot be pinned', ['options']);
}
