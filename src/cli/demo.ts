import { findLatestModule, loadCatalog, syncCatalog } from '../courses';
import { openDatabase, PROJECT_ROOT } from '../db';
import { markLessonStudied, recordLessonOpened } from '../progress';
import { upsertSchool, upsertUserFromIdentity } from '../users';
import type { CliContext } from './context';

const SCHOOLS = [
  { code: 'demo-xinhua-primary', name: '新华路小学', district: '示范区' },
  { code: 'demo-binhe-middle', name: '滨河中学', district: '示范区' },
  { code: 'demo-shanxi-vocational', name: '山溪职业技术学校', district: '示范区' },
];

/** Demo teachers and how far each has got: a share of each module's lessons studied. */
const TEACHERS: { name: string; school: string; studied: Record<string, number> }[] = [
  { name: '李晓雯', school: 'demo-xinhua-primary', studied: { 'homeroom-new-role-and-duties': 1, 'safety-fire': 1 } },
  { name: '王建国', school: 'demo-xinhua-primary', studied: { 'homeroom-new-role-and-duties': 0.5 } },
  { name: '陈思远', school: 'demo-binhe-middle', studied: { 'safety-fire': 1, 'safety-drowning': 0.5 } },
  { name: '赵一鸣', school: 'demo-binhe-middle', studied: { 'homeroom-new-role-and-duties': 0.2 } },
  { name: '周佳怡', school: 'demo-shanxi-vocational', studied: { 'safety-drowning': 1 } },
  { name: '吴海涛', school: 'demo-shanxi-vocational', studied: {} },
];

/**
 * `shixun demo seed`: a small, realistic school district so a newcomer sees a living tool.
 * Safe to run twice: every write is an upsert keyed on a stable identity.
 */
export async function seedDemo(context: CliContext): Promise<number> {
  const database = await openDatabase(context.config, context.log);
  try {
    await syncCatalog(loadCatalog(context.config.coursesDir, PROJECT_ROOT));
    for (const school of SCHOOLS) await upsertSchool(school);
    // Backdated so minimum study times are already met.
    const studyDay = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    let studiedLessons = 0;
    for (const teacher of TEACHERS) {
      const user = await upsertUserFromIdentity({
        provider: 'demo',
        subject: `${teacher.school}:${teacher.name}`,
        displayName: teacher.name,
        schoolCode: teacher.school,
        roles: ['learner'],
      });
      for (const [moduleId, share] of Object.entries(teacher.studied)) {
        const module = await findLatestModule(moduleId);
        if (!module) continue;
        const count = Math.max(1, Math.round(module.lessons.length * share));
        for (const lesson of module.lessons.slice(0, count)) {
          await recordLessonOpened(user._id, module, lesson.id, studyDay);
          const result = await markLessonStudied(user._id, module, lesson.id, new Date(studyDay.getTime() + 15 * 60 * 1000));
          if (result.status === 'studied') studiedLessons++;
        }
      }
    }
    context.out(`demo: ${SCHOOLS.length} schools, ${TEACHERS.length} teachers, ${studiedLessons} studied lessons`);
    return 0;
  } finally {
    await database.close();
  }
}
