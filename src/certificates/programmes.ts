import { z } from 'zod';
import { categorySchema, idSchema, listLatestModules, listLatestModulesFlat } from '../courses';
import { CertificateError } from './errors';
import { ProgrammeModel } from './store';
import type { Programme } from './types';

const DUPLICATE_KEY = 11000;

export const programmeInputSchema = z.object({
  programmeId: idSchema,
  title: z.object({ 'zh-CN': z.string().trim().min(1).max(120), en: z.string().trim().min(1).max(120) }),
  description: z.object({ 'zh-CN': z.string().trim().max(500), en: z.string().trim().max(500) }).optional(),
  category: categorySchema,
  moduleIds: z.array(idSchema).min(1).max(60),
});
export type ProgrammeInput = z.infer<typeof programmeInputSchema>;

export async function listProgrammes(): Promise<Programme[]> {
  return ProgrammeModel.find({}, { _id: 0 }).sort({ programmeId: 1 }).lean<Programme[]>();
}

export async function findProgramme(programmeId: string): Promise<Programme | null> {
  return ProgrammeModel.findOne({ programmeId: String(programmeId) }, { _id: 0 }).lean<Programme>();
}

/**
 * Creates or redefines a programme. Only published modules may be named. Certificates already
 * issued keep what they certified; learners who now meet the new definition get theirs at the
 * next catch-up (the caller runs it).
 */
export async function saveProgramme(input: ProgrammeInput, updatedBy: string, now = new Date()): Promise<Programme> {
  const programme = programmeInputSchema.parse(input);
  const published = new Set((await listLatestModulesFlat()).map((m) => m.moduleId));
  const unknown = programme.moduleIds.filter((id) => !published.has(id));
  if (unknown.length > 0) throw new CertificateError('invalidProgramme', `not published: ${unknown.join(', ')}`);
  const document = { ...programme, moduleIds: [...new Set(programme.moduleIds)], updatedAt: now, updatedBy };
  await ProgrammeModel.replaceOne({ programmeId: programme.programmeId }, document, { upsert: true });
  return document;
}

export const NEW_HOMEROOM_PROGRAMME_ID = 'homeroom-new-preservice';

/**
 * The new-homeroom-teacher pre-service programme (at least 30 hours before taking up the post),
 * made of every published `homeroom-new` module. Inserted once: a trainer's later changes stay.
 */
export async function seedDefaultProgrammes(now = new Date()): Promise<boolean> {
  const moduleIds = (await listLatestModules()).find((group) => group.track === 'homeroom-new')?.modules.map((m) => m.moduleId) ?? [];
  if (moduleIds.length === 0) return false;
  try {
    await ProgrammeModel.create({
      programmeId: NEW_HOMEROOM_PROGRAMME_ID,
      title: { 'zh-CN': '新任班主任上岗培训', en: 'New homeroom teacher pre-service training' },
      description: {
        'zh-CN': '新任班主任上岗前完成的全部专题：岗位职责、工作规范、德育政策、班级管理、心理健康、家校沟通与安全职责。',
        en: 'Every topic a new homeroom teacher completes before taking up the post: duties, work norms, moral-education policy, class management, mental health, home-school communication and safety duties.',
      },
      category: 'homeroom-new',
      moduleIds,
      updatedAt: now,
      updatedBy: 'system',
    });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}
