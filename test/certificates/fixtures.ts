import type { Types } from 'mongoose';
import { completeIfEligible, type Completion } from '../../src/completion';
import { findLatestModule, loadCatalog, syncCatalog } from '../../src/courses';
import { markLessonStudied, recordLessonOpened } from '../../src/progress';
import { answerKey, loadAttempt, startAttempt, submitAttempt, toPresentedResponse } from '../../src/quiz';
import { upsertSchool, upsertUserFromIdentity, type Role, type User } from '../../src/users';
import { CoursesFixture } from '../support/course-fixtures';
import { BANK_YAML } from '../support/quiz-fixtures';

export const MODULES = ['cert-a', 'cert-b'] as const;
const ASSESSMENT = 'assessment:\n  passMark: 80\n  pools:\n    - bank: quiz-web-bank\n      draw: 3\n';

/** Two small homeroom-new modules with assessments (2.5 hours each), published. */
export async function publishCertificateCourses(): Promise<void> {
  const fixture = new CoursesFixture().write('banks/quiz-web-bank.yaml', BANK_YAML);
  for (const id of MODULES) fixture.module(id, { extra: ASSESSMENT });
  const catalog = loadCatalog(fixture.dir, fixture.dir);
  if (catalog.errors.length) throw new Error(JSON.stringify(catalog.errors));
  await syncCatalog(catalog);
  await upsertSchool({ code: 'S001', name: '新华路小学' });
  await upsertSchool({ code: 'S002', name: '滨河中学' });
}

let people = 0;
export async function person(name: string, schoolCode = 'S001', role: Role = 'learner'): Promise<User> {
  people += 1;
  return upsertUserFromIdentity({ provider: 'test', subject: `certificates-${people}`, displayName: name, schoolCode, roles: [role] });
}

/** Studies every lesson and passes the assessment, as the pages would; returns the completion. */
export async function completeModule(userId: Types.ObjectId, moduleId: string, at: Date): Promise<Completion> {
  const module = (await findLatestModule(moduleId))!;
  let now = at.getTime();
  for (const lesson of module.lessons) {
    await recordLessonOpened(userId, module, lesson.id, new Date(now));
    now += lesson.minutes * 60_000;
    await markLessonStudied(userId, module, lesson.id, new Date(now));
  }
  const started = await startAttempt(userId, module, new Date(now));
  if (!started.started) throw new Error(`could not start ${moduleId}`);
  const open = (await loadAttempt(started.attemptId, userId))!;
  const answers = Object.fromEntries(open.items.map((drawn) => [drawn.key, toPresentedResponse(drawn, answerKey(drawn.item))]));
  await submitAttempt(open, module.assessment!, answers, new Date(now + 5 * 60_000));
  const completion = await completeIfEligible(userId, module, new Date(now + 6 * 60_000), () => undefined);
  if (!completion) throw new Error(`${moduleId} did not complete`);
  return completion;
}
