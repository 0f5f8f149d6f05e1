import { Types } from 'mongoose';
import { findLatestModule, loadCatalog, syncCatalog, type ModuleVersion } from '../../src/courses';
import { findProgress, markLessonStudied, moduleVersionForLearner, recordLessonOpened, summarizeProgress } from '../../src/progress';
import { useTestDatabase } from '../support/database';
import { CoursesFixture } from '../support/course-fixtures';

useTestDatabase();

const at = (seconds: number) => new Date(Date.UTC(2026, 8, 1, 8, 0, seconds));

async function publish(fixture: CoursesFixture, id: string): Promise<ModuleVersion> {
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
  return (await findLatestModule(id))!;
}

describe('learner progress', () => {
  let module: ModuleVersion;
  beforeAll(async () => {
    module = await publish(new CoursesFixture().module('timed-module', { minSeconds: 60 }), 'timed-module');
  });

  it('refuses to mark a lesson studied before it was opened or before the minimum time', async () => {
    const learner = new Types.ObjectId();
    expect(await markLessonStudied(learner, module, 'first', at(0))).toEqual({ status: 'not-opened' });
    await recordLessonOpened(learner, module, 'first', at(0));
    expect(await markLessonStudied(learner, module, 'first', at(45))).toEqual({ status: 'too-soon', secondsRemaining: 15 });
    expect(await markLessonStudied(learner, module, 'first', at(60))).toEqual({ status: 'studied' });
    const summary = summarizeProgress(module, await findProgress(learner, module));
    expect(summary).toMatchObject({ studied: 1, total: 2, percent: 50, lessonsDone: false, resumeLessonId: 'second' });
  });

  it('keeps the first opening time, so reopening does not restart the clock', async () => {
    const learner = new Types.ObjectId();
    await recordLessonOpened(learner, module, 'first', at(0));
    await recordLessonOpened(learner, module, 'first', at(50));
    expect(await markLessonStudied(learner, module, 'first', at(61))).toEqual({ status: 'studied' });
  });

  it('records a lesson once however many concurrent requests mark it', async () => {
    const learner = new Types.ObjectId();
    await recordLessonOpened(learner, module, 'second', at(0));
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => markLessonStudied(learner, module, 'second', at(100 + i))));
    expect(results.every((r) => r.status === 'studied')).toBe(true);
    const progress = await findProgress(learner, module);
    // FerretDB v1 does not isolate concurrent updates of one document, so "first" may be any of
    // the concurrent times; what must hold is one record, inside that window.
    const studiedAt = progress?.lessons.second?.studiedAt?.getTime();
    expect(studiedAt).toBeGreaterThanOrEqual(at(100).getTime());
    expect(studiedAt).toBeLessThanOrEqual(at(104).getTime());
    expect(summarizeProgress(module, progress).studiedLessonIds).toEqual(['second']);
  });

  it('keeps a learner on the version they started until they finish it', async () => {
    const fixture = new CoursesFixture().module('versioned', { minSeconds: 0 });
    const v1 = await publish(fixture, 'versioned');
    const learner = new Types.ObjectId();
    await recordLessonOpened(learner, v1, 'first', at(0));
    const v2 = await publish(new CoursesFixture().module('versioned', { version: 2, minSeconds: 0 }), 'versioned');
    expect(v2.version).toBe(2);
    expect((await moduleVersionForLearner(learner, 'versioned'))?.version).toBe(1);
    expect((await moduleVersionForLearner(new Types.ObjectId(), 'versioned'))?.version).toBe(2);

    for (const lesson of v1.lessons) {
      await recordLessonOpened(learner, v1, lesson.id, at(0));
      await markLessonStudied(learner, v1, lesson.id, at(1));
    }
    expect((await moduleVersionForLearner(learner, 'versioned'))?.version).toBe(2);
    expect(summarizeProgress(v1, await findProgress(learner, v1)).lessonsDone).toBe(true);
  });
});
