import type { Types } from 'mongoose';
import { completeIfEligible } from '../completion';
import { findLatestModule, loadCatalog, syncCatalog, type ModuleVersion } from '../courses';
import { openDatabase, PROJECT_ROOT } from '../db';
import { markLessonStudied, recordLessonOpened } from '../progress';
import { answerKey, assessmentStatus, loadAttempt, startAttempt, submitAttempt, toPresentedResponse } from '../quiz';
import { catchUpCompletions, LedgerEntryModel, reverseEntry } from '../ledger';
import { catchUpCertificates, certificateSettingsFrom, seedDefaultProgrammes } from '../certificates';
import { approveActivity, recordActivity, type Actor } from '../ledger/activities';
import { listTeachers, setTeacherFacts, upsertSchool, upsertUserFromIdentity, type HomeroomTier, type User } from '../users';
import type { CliContext } from './context';

const SCHOOLS = [
  { code: 'demo-xinhua-primary', name: '新华路小学', district: '示范区' },
  { code: 'demo-binhe-middle', name: '滨河中学', district: '示范区' },
  { code: 'demo-shanxi-vocational', name: '山溪职业技术学校', district: '示范区' },
];

/**
 * Demo teachers and how far each has got: a share of each module's lessons studied and, for
 * modules studied in full, the attempts taken (`pass`, or `fail` then a later `pass`).
 */
const TEACHERS: {
  name: string;
  school: string;
  tier?: HomeroomTier;
  studied: Record<string, number>;
  attempts?: Record<string, ('pass' | 'fail')[]>;
}[] = [
  { name: '李晓雯', school: 'demo-xinhua-primary', tier: 'new', studied: { 'homeroom-new-role-and-duties': 1, 'homeroom-new-work-norms': 1, 'safety-fire': 1 }, attempts: { 'homeroom-new-role-and-duties': ['pass'], 'homeroom-new-work-norms': ['pass'], 'safety-fire': ['fail', 'pass'] } },
  { name: '王建国', school: 'demo-xinhua-primary', tier: 'inservice', studied: { 'homeroom-inservice-bullying-prevention': 1, 'homeroom-new-role-and-duties': 0.5 }, attempts: { 'homeroom-inservice-bullying-prevention': ['pass'] } },
  { name: '陈思远', school: 'demo-binhe-middle', tier: 'inservice', studied: { 'safety-fire': 1, 'safety-drowning': 0.5 }, attempts: { 'safety-fire': ['fail'] } },
  { name: '赵一鸣', school: 'demo-binhe-middle', studied: { 'homeroom-new-role-and-duties': 0.2 } },
  { name: '周佳怡', school: 'demo-shanxi-vocational', tier: 'backbone', studied: { 'safety-drowning': 1, 'ethics-negative-list': 1 }, attempts: { 'safety-drowning': ['pass'], 'ethics-negative-list': ['pass'] } },
  { name: '吴海涛', school: 'demo-shanxi-vocational', studied: {} },
];

/** Staff who sign in with the development page under these names see the demo district. */
const STAFF = [
  { name: '新华路小学学时管理员', school: 'demo-xinhua-primary', role: 'registrar' as const },
  { name: '区教研室管理员', role: 'admin' as const },
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
    let attempts = 0;
    let completions = 0;
    for (const teacher of TEACHERS) {
      const user = await upsertUserFromIdentity({
        provider: 'demo',
        subject: `${teacher.school}:${teacher.name}`,
        displayName: teacher.name,
        schoolCode: teacher.school,
        roles: ['learner'],
      });
      if (teacher.tier) {
        await setTeacherFacts(user._id, { homeroomTier: teacher.tier, postStartDate: teacher.tier === 'new' ? new Date(Date.now() + 90 * 24 * 3600_000) : undefined });
      }
      for (const [moduleId, share] of Object.entries(teacher.studied)) {
        const module = await findLatestModule(moduleId);
        if (!module) continue;
        const count = Math.max(1, Math.round(module.lessons.length * share));
        for (const lesson of module.lessons.slice(0, count)) {
          await recordLessonOpened(user._id, module, lesson.id, studyDay);
          const result = await markLessonStudied(user._id, module, lesson.id, new Date(studyDay.getTime() + 15 * 60 * 1000));
          if (result.status === 'studied') studiedLessons++;
        }
        // Only the attempts not taken by an earlier run, so seeding twice changes nothing.
        const taken = (await assessmentStatus(user._id, module, studyDay))?.attempts.length ?? 0;
        for (const outcome of (teacher.attempts?.[moduleId] ?? []).slice(taken)) {
          if (await takeAttempt(user._id, module, outcome, studyDay)) attempts++;
        }
        if (await completeIfEligible(user._id, module, new Date(), context.log)) completions++;
      }
    }
    const staffUsers = [];
    for (const staff of STAFF) {
      const staffUser = await upsertUserFromIdentity({
        provider: 'dev',
        subject: `${staff.school ?? '-'}:${staff.name}:${staff.role}`,
        displayName: staff.name,
        schoolCode: staff.school,
        roles: [staff.role],
        scopeSchoolCodes: staff.role === 'registrar' && staff.school ? [staff.school] : undefined,
      });
      staffUsers.push(staffUser);
    }
    // Credits for every completion (as the running server's listener would), then one correction.
    const credited = await catchUpCompletions(context.log);
    // Certificates for those completions (as the running server's listener would), programmes included.
    await seedDefaultProgrammes();
    const certified = await catchUpCertificates(certificateSettingsFrom(context.config), context.log);
    await reverseDemoEntry(context, staffUsers[0]!);
    await recordDemoActivity(staffUsers[0]!, staffUsers[1]!);
    context.out(
      `demo: ${SCHOOLS.length} schools, ${TEACHERS.length} teachers, ${studiedLessons} studied lessons, ${attempts} new attempts, ${completions} completed modules, ${credited.credited} new ledger credits, ${certified.issued + certified.programmes} new certificates`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

/**
 * One graded attempt, answered fully right or fully wrong, an hour after the previous one so any
 * cooldown has passed. Returns false when the policy allows no further attempt (a second seed run).
 */
async function takeAttempt(userId: Types.ObjectId, module: ModuleVersion, outcome: 'pass' | 'fail', day: Date): Promise<boolean> {
  const status = await assessmentStatus(userId, module, day);
  const at = new Date(day.getTime() + (status?.attempts.length ?? 0) * 3600_000 + 3600_000);
  const started = await startAttempt(userId, module, at);
  if (!started.started) return false;
  const open = (await loadAttempt(started.attemptId, userId))!;
  const answers = Object.fromEntries(
    open.items.map((drawn) => [drawn.key, outcome === 'pass' ? toPresentedResponse(drawn, answerKey(drawn.item)) : null]),
  );
  await submitAttempt(open, module.assessment!, answers, new Date(at.getTime() + 10 * 60_000));
  return true;
}

/** A registrar's correction on the demo ledger: a safety credit reversed with its reason. */
async function reverseDemoEntry(context: CliContext, registrar: User): Promise<void> {
  const entry = await LedgerEntryModel.findOne({ 'teacherSnapshot.displayName': '李晓雯', category: 'safety', hours: { $gt: 0 } }).lean();
  if (!entry) return;
  const { created } = await reverseEntry({
    entryId: entry.entryId,
    reason: '演示：该学时已在线下消防培训中登记，避免重复计入',
    actor: { kind: 'user', id: registrar._id.toString(), name: registrar.displayName },
  });
  if (created) context.log(`demo: reversed ${entry.entryId} (a registrar's correction)`);
}

const actorOf = (user: User): Actor => ({ id: user._id.toString(), name: user.displayName, roles: user.roles, scopeSchoolCodes: user.scopeSchoolCodes });

/** A school-based activity the registrar records and the district admin approves (four eyes). */
async function recordDemoActivity(registrar: User, admin: User): Promise<void> {
  const teachers = await listTeachers({ schoolCodes: registrar.scopeSchoolCodes });
  const activity = await recordActivity(
    {
      title: '校本研修：班级常规管理案例分析',
      trainingMode: 'case-analysis',
      hours: 2,
      occurredAt: new Date(Date.now() - 7 * 24 * 3600_000),
      teacherIds: teachers.map((teacher) => teacher._id),
      notes: '演示数据：教研组集中研讨，签到表由学校存档。',
    },
    actorOf(registrar),
    { submissionKey: 'demo-case-analysis-1' },
  );
  if (activity.status === 'pending') await approveActivity(activity.activityId, actorOf(admin));
}
