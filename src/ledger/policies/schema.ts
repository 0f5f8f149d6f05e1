import { z } from 'zod';
import { categorySchema, idSchema, localizedTextSchema } from '../../courses';

/**
 * A policy profile: the hour requirements a region applies. Profiles are data (YAML in
 * `profiles/`), because regions differ (30 hours or 40 class hours before a new homeroom post;
 * 240 or 360 hours per five-year cycle) and change their rules.
 */

/** Which teachers a requirement applies to; a teacher's facts say which of these they are. */
export const AUDIENCES = ['all-teachers', 'homeroom-new', 'homeroom-inservice', 'homeroom-backbone'] as const;
export const audienceSchema = z.enum(AUDIENCES);
export type Audience = z.infer<typeof audienceSchema>;

const hours = z.number().gt(0).max(2000);

const base = {
  id: idSchema,
  title: localizedTextSchema,
  appliesTo: audienceSchema,
  /** Ledger categories whose hours count towards it. */
  categories: z.array(categorySchema).min(1),
  minimumHours: hours,
};

export const requirementSchema = z.discriminatedUnion('kind', [
  /** Hours to complete before taking up a post (the teacher's post start date is the due date). */
  z.strictObject({ ...base, kind: z.literal('before-post') }),
  /** Hours in every training year. */
  z.strictObject({ ...base, kind: z.literal('annual') }),
  /** Hours over a multi-year cycle, with optional minimums per category inside the total. */
  z.strictObject({
    ...base,
    kind: z.literal('cycle'),
    cycleYears: z.int().min(1).max(10),
    /** A year in which a cycle starts; cycles repeat every cycleYears from it. */
    anchorYear: z.int().min(1990).max(2100),
    categoryMinimums: z.partialRecord(categorySchema, hours).default({}),
  }),
]);
export type Requirement = z.infer<typeof requirementSchema>;

export const policyProfileSchema = z
  .strictObject({
    id: idSchema,
    title: localizedTextSchema,
    /** The month a training year starts in (1 = calendar year, 9 = school year). */
    trainingYearStartMonth: z.int().min(1).max(12).default(1),
    requirements: z.array(requirementSchema).min(1),
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    profile.requirements.forEach((requirement, index) => {
      if (seen.has(requirement.id)) ctx.addIssue({ code: 'custom', message: `duplicate requirement id "${requirement.id}"`, path: ['requirements', index, 'id'] });
      seen.add(requirement.id);
      if (requirement.kind === 'cycle') {
        const inside = Object.values(requirement.categoryMinimums).reduce((sum, value) => sum + (value ?? 0), 0);
        if (inside > requirement.minimumHours) {
          ctx.addIssue({ code: 'custom', message: `category minimums (${inside} h) exceed the cycle total (${requirement.minimumHours} h)`, path: ['requirements', index, 'categoryMinimums'] });
        }
      }
    });
  });
export type PolicyProfile = z.infer<typeof policyProfileSchema>;
