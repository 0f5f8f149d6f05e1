import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import { completeIfEligible, type Completion } from '../../../src/completion';
import { loadCatalog, syncCatalog } from '../../../src/courses';
import type { VerifiedLaunch } from '../../../src/lti';
import {
  catchUpPassbacks,
  delayAfterFailure,
  listPassbacks,
  MAX_TRIES,
  PassbackJobModel,
  PassbackTryModel,
  registerPassbackListener,
  runDueJobs,
  type SendOptions,
} from '../../../src/lti/passback';
import { resolveLaunchUser } from '../../../src/lti/identity';
import { recordPlacement } from '../../../src/lti/placements';
import { addPlatform } from '../../../src/lti/v13';
import { markLessonStudied, moduleVersionForLearner, recordLessonOpened } from '../../../src/progress';
import { UserModel } from '../../../src/users';
import { CoursesFixture } from '../../support/course-fixtures';
import { useTestDatabase } from '../../support/database';
import { startTestPlatform, type TestPlatform } from '../../support/lti-platform';
import { csrfTokenIn, signIn, testApp, testSecrets, TestClock, TEST_BASE_URL } from '../../support/web';
import { postLaunch, registerConsumer } from './fixtures';

useTestDatabase();

const MODULE = 'homeroom-new-passback';
const clock = new TestClock();
const log = (line: string) => process.stderr.write(`${line}\n`);
let app: Express;
let platform: TestPlatform;
let platformId: string;
let unsubscribe: () => void;
let sendOptions: SendOptions;

/** A tiny LTI 1.1 outcome service: counts the replaceResult posts it receives and answers as told. */
class OutcomeService {
  posts: string[] = [];
  failing = false;
  private server!: Server;
  url = '';
  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        this.posts.push(body);
        // A slow answer keeps the first send in flight while other workers look at the job.
        setTimeout(() => {
          const code = this.failing ? 'failure' : 'success';
          res.writeHead(this.failing ? 500 : 200, { 'Content-Type': 'application/xml' });
          res.end(`<?xml version="1.0"?><imsx_POXEnvelopeResponse><imsx_POXHeader><imsx_POXResponseHeaderInfo><imsx_statusInfo><imsx_codeMajor>${code}</imsx_codeMajor><imsx_description>${code === 'success' ? 'ok' : 'gradebook locked'}</imsx_description></imsx_statusInfo></imsx_POXResponseHeaderInfo></imsx_POXHeader><imsx_POXBody/></imsx_POXEnvelopeResponse>`);
        }, 150);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/grades`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
const outcomes = new OutcomeService();

beforeAll(async () => {
  const fixture = new CoursesFixture().module(MODULE);
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
  app = testApp({ clock: clock.now });
  await registerConsumer();
  await outcomes.start();
  platform = await startTestPlatform({ clock: clock.now });
  platform.setTool({ baseUrl: TEST_BASE_URL, jwks: async () => (await request(app).get('/lti/jwks')).body });
  platformId = (await addPlatform(platform.registration, 'admin'))._id.toString();
  sendOptions = { ...testSecrets(), clock: clock.now };
  unsubscribe = registerPassbackListener();
});

afterAll(async () => {
  unsubscribe();
  await platform.close();
  await outcomes.close();
});

/** Studies every lesson and lets the completion (and its listeners) happen, as the lesson pages do. */
async function completeModule(userId: Types.ObjectId): Promise<Completion> {
  const module = (await moduleVersionForLearner(userId, MODULE))!;
  for (const lesson of module.lessons) {
    await recordLessonOpened(userId, module, lesson.id, clock.now());
    await markLessonStudied(userId, module, lesson.id, clock.now());
  }
  const completion = await completeIfEligible(userId, module, clock.now(), log);
  if (!completion) throw new Error('the module did not complete');
  return completion;
}

/** An LTI 1.1 learner launched with an outcome service, through the real launch route. */
async function lti11Learner(userId: string, roles = 'Learner'): Promise<Types.ObjectId> {
  await postLaunch(app, clock, { user_id: userId, roles, custom_module: MODULE, lis_outcome_service_url: outcomes.url, lis_result_sourcedid: `sourced-${userId}` }).expect(303);
  return (await UserModel.findOne({ subject: userId }).lean())!._id;
}

function agsLaunch(sub: string, roles: VerifiedLaunch['roles'] = ['learner']): VerifiedLaunch {
  const provider = `lti13:${platform.issuer}|${platform.clientId}`;
  return {
    version: '1.3',
    provider,
    subject: sub,
    displayName: `AGS ${sub}`,
    roles,
    lmsRoles: [],
    context: { id: 'course-1' },
    resourceLink: { id: `link-${sub}` },
    moduleId: MODULE,
    kind: 'resource',
    outcome: { kind: 'ags', platformId, lineItemsUrl: platform.lineItemsUrl('course-1'), scopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'], resourceLinkId: `link-${sub}`, resourceId: MODULE },
  };
}

describe('grade passback', () => {
  test('a score reaches the AGS gradebook exactly once, after the platform failed the first two posts', async () => {
    const launch = agsLaunch('ags-learner');
    const user = await resolveLaunchUser(launch, clock.now());
    await recordPlacement(user._id, launch, clock.now());
    await completeModule(user._id);
    expect(await PassbackJobModel.countDocuments({ userId: user._id })).toBe(1);

    platform.failNext(2);
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 0, failed: 1 });
    // Not due again until the backoff has passed.
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 0, failed: 0 });
    clock.advanceMinutes(delayAfterFailure(1) / 60_000);
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ failed: 1 });
    clock.advanceMinutes(delayAfterFailure(2) / 60_000);
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 1 });
    clock.advanceMinutes(600);
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 0, failed: 0 });

    const received = platform.scores.filter((entry) => entry.score.userId === 'ags-learner');
    expect(received).toHaveLength(1);
    expect(received[0]!.contentType).toContain('application/vnd.ims.lis.v1.score+json');
    expect(received[0]!.score).toMatchObject({ scoreGiven: 100, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    expect(typeof received[0]!.score.timestamp).toBe('string');

    const [view] = await listPassbacks({ userId: user._id });
    expect(view).toMatchObject({ state: 'sent', tries: 3, target: { kind: 'ags' } });
    expect(view!.tryHistory.map((entry) => entry.status)).toEqual([500, 500, 204]);
    expect(JSON.stringify(view)).not.toMatch(/Bearer|access_token/);
  });

  test('concurrent workers send a job once (LTI 1.1 replaceResult)', async () => {
    const userId = await lti11Learner('concurrent-learner');
    await completeModule(userId);
    const before = outcomes.posts.length;
    const reports = await Promise.all(Array.from({ length: 5 }, () => runDueJobs(clock.now(), sendOptions)));
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(1);
    expect(outcomes.posts.length - before).toBe(1);
    expect(outcomes.posts.at(-1)).toContain('<sourcedId>sourced-concurrent-learner</sourcedId>');
    expect(outcomes.posts.at(-1)).toContain('<textString>1</textString>');
    const job = await PassbackJobModel.findOne({ userId }).lean();
    expect(await PassbackTryModel.countDocuments({ jobId: job!._id })).toBe(1);
  });

  test('trainers and admins who complete a module get no score in the LMS', async () => {
    const trainer = await lti11Learner('trainer-in-lms', 'Instructor');
    await completeModule(trainer);
    const admin = agsLaunch('admin-in-lms', ['admin']);
    const adminUser = await resolveLaunchUser(admin, clock.now());
    await recordPlacement(adminUser._id, admin, clock.now());
    await completeModule(adminUser._id);
    expect(await PassbackJobModel.countDocuments({ userId: { $in: [trainer, adminUser._id] } })).toBe(0);
  });

  test('after every try failed it gives up visibly; an admin retries it and it is sent', async () => {
    outcomes.failing = true;
    const userId = await lti11Learner('stubborn-gradebook');
    await completeModule(userId);
    for (let attempt = 1; attempt <= MAX_TRIES; attempt += 1) {
      const report = await runDueJobs(clock.now(), sendOptions);
      expect(report.failed + report.gaveUp).toBe(1);
      clock.advanceMinutes(delayAfterFailure(attempt) / 60_000);
    }
    const [gaveUp] = await listPassbacks({ userId });
    expect(gaveUp).toMatchObject({ state: 'gave-up', tries: MAX_TRIES, lastAnswer: { status: 500 } });
    expect(gaveUp!.lastAnswer!.body).toContain('gradebook locked');
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 0, failed: 0, gaveUp: 0 });

    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    const page = await admin.get('/admin/lti/passbacks?state=gave-up').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('HTTP 500');
    expect(page.text).toContain('gradebook locked');
    await admin.post(`/admin/lti/passbacks/${gaveUp!._id.toHexString()}/retry`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    outcomes.failing = false;
    expect(await runDueJobs(clock.now(), sendOptions)).toMatchObject({ sent: 1 });
    const [sent] = await listPassbacks({ userId });
    expect(sent).toMatchObject({ state: 'sent', tries: MAX_TRIES + 1 });
    // A sent job cannot be retried into a second send.
    await admin.post(`/admin/lti/passbacks/${gaveUp!._id.toHexString()}/retry`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(404);
  });

  test('the page is for admins only', async () => {
    const learner = await signIn(app, '普通老师');
    await learner.get('/admin/lti/passbacks').expect(403);
  });

  test('the start-up catch-up queues what a crash missed, once', async () => {
    const userId = await lti11Learner('crashed-listener');
    unsubscribe();
    await completeModule(userId);
    expect(await PassbackJobModel.countDocuments({ userId })).toBe(0);
    unsubscribe = registerPassbackListener();
    expect(await catchUpPassbacks(log, clock.now())).toBe(1);
    expect(await catchUpPassbacks(log, clock.now())).toBe(0);
    expect(await PassbackJobModel.countDocuments({ userId })).toBe(1);
  });

  test('a gradebook that first launches an already completed module still gets the score', async () => {
    const userId = await lti11Learner('completed-before');
    await completeModule(userId);
    await postLaunch(app, clock, { user_id: 'completed-before', resource_link_id: 'rl-second-course', custom_module: MODULE, lis_outcome_service_url: outcomes.url, lis_result_sourcedid: 'sourced-second-course' }).expect(303);
    const jobs = await PassbackJobModel.find({ userId }).lean();
    expect(jobs.map((job) => (job.target as { sourcedId: string }).sourcedId).sort()).toEqual(['sourced-completed-before', 'sourced-second-course']);
  });
});
