import path from 'node:path';
import { Types } from 'mongoose';
import { completeIfEligible, listCompletions } from '../../src/completion';
import { findLatestModule, loadCatalog, syncCatalog, type ModuleVersion, type Track } from '../../src/courses';
import { markLessonStudied, recordLessonOpened } from '../../src/progress';
import { answerKey, loadAttempt, startAttempt, submitAttempt, toPresentedResponse } from '../../src/quiz';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const ROOT = path.resolve(__dirname, '..', '..');
const catalog = loadCatalog(path.join(ROOT, 'courses'), ROOT);
const moduleIds = (track: Track) => catalog.modules.filter((m) => m.manifest.track === track).map((m) => m.manifest.id);

/** A teacher works through a module the way the pages let them: every lesson, then the assessment. */
async function complete(teacher: Types.ObjectId, module: ModuleVersion, start: Date): Promise<void> {
  let now = start.getTime();
  for (const lesson of module.lessons) {
    await recordLessonOpened(teacher, module, lesson.id, new Date(now));
    now += lesson.minutes * 60_000;
    expect(await markLessonStudied(teacher, module, lesson.id, new Date(now))).toEqual({ status: 'studied' });
  }
  const started = await startAttempt(teacher, module, new Date(now));
  if (!started.started) throw new Error(`could not start ${module.moduleId}`);
  const open = (await loadAttempt(started.attemptId, teacher))!;
  const answers = Object.fromEntries(open.items.map((drawn) => [drawn.key, toPresentedResponse(drawn, answerKey(drawn.item))]));
  const outcome = await submitAttempt(open, module.assessment!, answers, new Date(now + 10 * 60_000));
  if ('rejected' in outcome) throw new Error(`${module.moduleId}: ${JSON.stringify(outcome.rejected)}`);
  expect(outcome.result.grade.passed).toBe(true);
  expect(await completeIfEligible(teacher, module, new Date(now + 11 * 60_000), () => undefined)).toBeDefined();
}

describe('the shipped programmes, taken end to end', () => {
  beforeAll(async () => {
    await syncCatalog(catalog);
  });

  it('lets a new homeroom teacher complete the whole pre-service programme and reach 30 hours', async () => {
    const teacher = new Types.ObjectId();
    let day = new Date('2026-09-01T01:00:00Z');
    for (const id of moduleIds('homeroom-new')) {
      await complete(teacher, (await findLatestModule(id))!, day);
      day = new Date(day.getTime() + 24 * 3600_000);
    }
    const completions = await listCompletions(teacher);
    expect(completions).toHaveLength(moduleIds('homeroom-new').length);
    expect(completions.reduce((sum, c) => sum + c.creditHours, 0)).toBeGreaterThanOrEqual(30);
  });

  it('lets a teacher take and pass every safety quiz', async () => {
    const teacher = new Types.ObjectId();
    for (const id of moduleIds('safety')) await complete(teacher, (await findLatestModule(id))!, new Date('2026-10-01T01:00:00Z'));
    expect((await listCompletions(teacher)).map((c) => c.moduleId).sort()).toEqual(moduleIds('safety').sort());
  });
});
