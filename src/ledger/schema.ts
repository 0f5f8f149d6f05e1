import { Types } from 'mongoose';
import { z } from 'zod';
import { CATEGORIES, categorySchema } from '../courses';

/**
 * One definition per shape: the stored ledger entry and what callers may ask to append. The
 * mongoose model (`store.ts`) takes its enums from the constants here; appends are checked
 * against `ledgerEntrySchema` before they are written.
 */

/** The nine modes of school-based in-service training (校本培训). */
export const TRAINING_MODES = [
  'research-project', // 课题研究
  'self-study', // 自修反思
  'classroom-observation', // 课堂观摩
  'thematic-lecture', // 专题讲座
  'case-analysis', // 案例分析
  'inter-school', // 校际合作
  'mentoring', // 师徒结对
  'online-exchange', // 网络交流
  'salon', // 沙龙研讨
] as const;
export const trainingModeSchema = z.enum(TRAINING_MODES);
export type TrainingMode = z.infer<typeof trainingModeSchema>;

/** The only category whose entries may carry a training mode. */
export const SCHOOL_BASED = 'school-based' satisfies (typeof CATEGORIES)[number];

export const SOURCE_KINDS = ['module', 'offline', 'reversal'] as const;
export const RECORDER_KINDS = ['system', 'user'] as const;

/** Hours of one credit: more than 0, at most 200, stored rounded to 2 decimals. */
export const MAX_CREDIT_HOURS = 200;
export const MAX_REASON_LENGTH = 500;

/** Hours are kept to the hundredth; `Number.EPSILON` keeps 1.005 from rounding down. */
export function roundHours(hours: number): number {
  return Math.round((hours + Math.sign(hours) * Number.EPSILON) * 100) / 100;
}

/** The calendar year of a moment in China (Asia/Shanghai), whatever the server's time zone. */
const YEAR_IN_CHINA = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric' });
export function calendarYearInChina(date: Date): number {
  return Number(YEAR_IN_CHINA.format(date));
}

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const objectIdSchema = z.custom<Types.ObjectId>((value) => value instanceof Types.ObjectId, 'must be an ObjectId');
/** Callers may name a teacher by ObjectId or its 24-hex string. */
const objectIdInputSchema = z
  .union([objectIdSchema, z.string().regex(/^[0-9a-f]{24}$/i, 'must be a user id (24 hex characters)')])
  .transform((value) => (typeof value === 'string' ? new Types.ObjectId(value) : value));

export const teacherSnapshotSchema = z.strictObject({
  displayName: text(200),
  schoolCode: text(80).optional(),
});
export type TeacherSnapshot = z.infer<typeof teacherSnapshotSchema>;

export const moduleSourceSchema = z.strictObject({
  kind: z.literal('module'),
  moduleId: text(80),
  moduleVersion: z.int().min(1),
  attemptId: text(100),
  completionId: text(100),
});
export const offlineSourceSchema = z.strictObject({
  kind: z.literal('offline'),
  /** The registrar's or school's identifier of the activity (a lecture, an observed lesson…). */
  activityId: text(200),
});
export const reversalSourceSchema = z.strictObject({ kind: z.literal('reversal') });
export const entrySourceSchema = z.discriminatedUnion('kind', [moduleSourceSchema, offlineSourceSchema, reversalSourceSchema]);
export type EntrySource = z.infer<typeof entrySourceSchema>;
/** What a credit may name as its source; reversals are made by `reverseEntry` only. */
export const creditSourceSchema = z.discriminatedUnion('kind', [moduleSourceSchema, offlineSourceSchema]);
export type CreditSource = z.infer<typeof creditSourceSchema>;

export const assessmentSchema = z.strictObject({
  passed: z.boolean(),
  scorePercent: z.number().min(0).max(100),
});
export type EntryAssessment = z.infer<typeof assessmentSchema>;

export const recordedBySchema = z.strictObject({
  kind: z.enum(RECORDER_KINDS),
  id: text(100).optional(),
  name: text(200),
});
export type RecordedBy = z.infer<typeof recordedBySchema>;

export const creditRuleSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'a credit rule is a short lowercase name such as "module-completion-passed"')
  .max(80);

export const idempotencyKeySchema = text(300);

const HASH = /^[0-9a-f]{64}$/;

/** A stored entry (without mongoose's `_id`). */
export const ledgerEntrySchema = z
  .strictObject({
    entryId: text(100),
    teacher: objectIdSchema,
    teacherSnapshot: teacherSnapshotSchema,
    source: entrySourceSchema,
    category: categorySchema,
    trainingMode: trainingModeSchema.optional(),
    /** Positive for credits, the negated hours of the reversed entry for reversals. */
    hours: z.number().min(-MAX_CREDIT_HOURS).max(MAX_CREDIT_HOURS),
    trainingYear: z.int().min(1990).max(2200),
    occurredAt: z.date(),
    assessment: assessmentSchema.optional(),
    creditRule: creditRuleSchema,
    recordedBy: recordedBySchema,
    recordedAt: z.date(),
    idempotencyKey: idempotencyKeySchema,
    reversalOf: text(100).optional(),
    reason: text(MAX_REASON_LENGTH).optional(),
    sequence: z.int().min(1),
    prevHash: z.string().regex(HASH),
    hash: z.string().regex(HASH),
  })
  .superRefine((entry, ctx) => {
    const reversal = entry.source.kind === 'reversal';
    if (entry.hours === 0 || entry.hours !== roundHours(entry.hours) || (entry.hours < 0) !== reversal) {
      ctx.addIssue({ code: 'custom', path: ['hours'], message: 'credits carry hours > 0, reversals the negated hours, to 2 decimals' });
    }
    if (reversal !== (entry.reversalOf !== undefined) || reversal !== (entry.reason !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['reversalOf'], message: 'a reversal, and only a reversal, names the entry it reverses and a reason' });
    }
  });
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** What `appendEntry` takes: a credit. Sequence, hashes and the entry id are the ledger's own. */
export const appendInputSchema = z.strictObject({
  teacher: z.strictObject({
    id: objectIdInputSchema,
    displayName: text(200),
    schoolCode: text(80).nullish(),
  }),
  source: creditSourceSchema,
  category: categorySchema,
  trainingMode: trainingModeSchema.optional(),
  hours: z
    .number({ error: 'must be a number' })
    .gt(0, { error: `must be more than 0 and at most ${MAX_CREDIT_HOURS}`, abort: true })
    .max(MAX_CREDIT_HOURS, { error: `must be more than 0 and at most ${MAX_CREDIT_HOURS}`, abort: true })
    .refine((hours) => roundHours(hours) > 0, 'must be at least 0.01 (hours are kept to 2 decimals)'),
  trainingYear: z.int().min(1990).max(2200),
  occurredAt: z.date({ error: 'must be a valid date' }),
  assessment: assessmentSchema.optional(),
  creditRule: creditRuleSchema,
  recordedBy: recordedBySchema,
  recordedAt: z.date({ error: 'must be a valid date' }).optional(),
  idempotencyKey: idempotencyKeySchema,
});
export type AppendInput = z.input<typeof appendInputSchema>;
export type ParsedAppendInput = z.output<typeof appendInputSchema>;

export const reverseInputSchema = z.strictObject({
  entryId: text(100),
  reason: z
    .string({ error: 'a reversal needs a reason' })
    .trim()
    .min(1, 'a reversal needs a reason')
    .max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`),
  actor: recordedBySchema,
  recordedAt: z.date({ error: 'must be a valid date' }).optional(),
});
export type ReverseInput = z.input<typeof reverseInputSchema>;
