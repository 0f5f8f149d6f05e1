import { Types } from 'mongoose';
import { findLatestModule, loadCatalog, syncCatalog, type ModuleVersion } from '../../src/courses';
import { AttemptModel, setAccommodation, startAttempt } from '../../src/quiz';
import { useTestDatabase } from '../support/database';
import { quizCourses } from '../support/quiz-fixtures';

useTestDatabase();

const NOW = new Date('2026-09-01T08:00:00Z');

describe('time adjustments (WCAG 2.2.1)', () => {
  let module: ModuleVersion;
  beforeAll(async () => {
    const fixture = quizCourses('safety-quiz-timed', 'passMark: 80\n  timeLimitMinutes: 20');
    await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
    module = (await findLatestModule('safety-quiz-timed'))!;
  });

  const deadlineFor = async (userId: Types.ObjectId) => {
    const outcome = await startAttempt(userId, module, NOW);
    if (!outcome.started) throw new Error('attempt did not start');
    return (await AttemptModel.findOne({ attemptId: outcome.attemptId }).lean())?.deadline;
  };

  it('applies the module time limit by default', async () => {
    expect(await deadlineFor(new Types.ObjectId())).toEqual(new Date('2026-09-01T08:20:00Z'));
  });

  it('stretches it for a learner with a multiplier and extra minutes', async () => {
    const learner = new Types.ObjectId();
    await setAccommodation(learner, 'safety-quiz-timed', { multiplier: 1.5, extraMinutes: 5 }, 'test', NOW);
    expect(await deadlineFor(learner)).toEqual(new Date('2026-09-01T08:35:00Z'));
  });

  it('removes it for a learner marked untimed in every module, unless a module-specific setting exists', async () => {
    const learner = new Types.ObjectId();
    await setAccommodation(learner, '*', { untimed: true }, 'test', NOW);
    expect(await deadlineFor(learner)).toBeUndefined();
  });

  it('refuses settings that would shorten the time', async () => {
    await expect(setAccommodation(new Types.ObjectId(), '*', { multiplier: 0.5 }, 'test', NOW)).rejects.toThrow(RangeError);
  });
});
