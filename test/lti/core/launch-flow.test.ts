import type { Express } from 'express';
import request from 'supertest';
import { loadCatalog, syncCatalog } from '../../../src/courses';
import { PlacementModel } from '../../../src/lti/placements';
import { registerPassbackListener, runDueJobs } from '../../../src/lti/passback';
import { addPlatform } from '../../../src/lti/v13';
import { lti1p1BaseString, signLti1p1 } from '../../../src/lti/v13/migration';
import { UserModel } from '../../../src/users';
import { CoursesFixture } from '../../support/course-fixtures';
import { useTestDatabase } from '../../support/database';
import { LTI, startTestPlatform, type LaunchOptions, type TestPlatform } from '../../support/lti-platform';
import { csrfTokenIn, testApp, testSecrets, TestClock, TEST_BASE_URL } from '../../support/web';
import { CONSUMER_KEY, CONSUMER_SECRET, postLaunch, registerConsumer, tokenIn } from './fixtures';

useTestDatabase();

const MODULE = 'homeroom-new-launch-flow';
const clock = new TestClock();
let app: Express;
let platform: TestPlatform;
let unsubscribe: () => void;

beforeAll(async () => {
  // As src/server.ts does at start-up.
  unsubscribe = registerPassbackListener();
  const fixture = new CoursesFixture().module(MODULE);
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
  app = testApp({ clock: clock.now });
  await registerConsumer();
  platform = await startTestPlatform({ clock: clock.now });
  platform.setTool({ baseUrl: TEST_BASE_URL, jwks: async () => (await request(app).get('/lti/jwks')).body });
  await addPlatform(platform.registration, 'admin');
});

afterAll(async () => {
  unsubscribe();
  await platform.close();
});

/** The whole LTI 1.3 flow as a browser does it: login → platform auth → id_token post. */
async function launch13(options: LaunchOptions, claimsFor?: (nonce: string) => Record<string, unknown>): Promise<{ agent: request.Agent; location: string }> {
  const agent = request.agent(app);
  const login = platform.loginRequest(options);
  const redirect = await agent.get(login.path).query(login.query).expect(302);
  const nonce = new URL(redirect.headers.location!).searchParams.get('nonce')!;
  const answer = await platform.authorize(redirect.headers.location!, claimsFor ? { claims: claimsFor(nonce) } : undefined);
  const launched = await agent.post('/lti/launch').type('form').send(answer.form).expect(303);
  return { agent, location: launched.headers.location! };
}

/** Studies both lessons through the pages, with the session token only (no cookie). */
async function studyAll(location: string): Promise<void> {
  let token = tokenIn(location);
  for (const lesson of ['first', 'second']) {
    const page = await request(app).get(`/modules/${MODULE}/v/1/lessons/${lesson}`).query({ lt: token }).expect(200);
    const studied = await request(app)
      .post(`/modules/${MODULE}/v/1/lessons/${lesson}/studied`)
      .type('form')
      .send({ lt: token, _csrf: csrfTokenIn(page.text) })
      .expect(303);
    token = tokenIn(studied.headers.location!);
  }
}

describe('from launch to gradebook', () => {
  test('an LTI 1.3 learner lands on the module, completes it, and the AGS line item of their link gets the score', async () => {
    const { location } = await launch13({ sub: 'flow-learner', module: MODULE, resourceLinkId: 'link-flow' });
    expect(location).toMatch(new RegExp(`^/modules/${MODULE}\\?lt=`));
    const placement = await PlacementModel.findOne({ subject: 'flow-learner' }).lean();
    expect(placement).toMatchObject({ moduleId: MODULE, resourceLinkId: 'link-flow', contextId: 'course-1', roles: ['learner'], outcome: { kind: 'ags' } });
    expect(placement!.membershipsUrl).toBe(platform.membershipsUrl('course-1'));

    await studyAll(location);
    expect(await runDueJobs(clock.now(), { ...testSecrets(), clock: clock.now })).toMatchObject({ sent: 1 });
    const received = platform.scores.filter((entry) => entry.score.userId === 'flow-learner');
    expect(received).toHaveLength(1);
    expect(received[0]!.lineItemUrl).toContain('/lineitems/link-flow');
  });

  test('a school moving from LTI 1.1 to 1.3: the migration claim keeps the teacher\'s user and progress', async () => {
    const old = await postLaunch(app, clock, { user_id: 'moodle-7', custom_module: MODULE, lis_person_name_given: '建国', lis_person_name_family: '张' }).expect(303);
    const page = await request(app).get(`/modules/${MODULE}/v/1/lessons/first`).query({ lt: tokenIn(old.headers.location!) }).expect(200);
    await request(app)
      .post(`/modules/${MODULE}/v/1/lessons/first/studied`)
      .type('form')
      .send({ lt: tokenIn(old.headers.location!), _csrf: csrfTokenIn(page.text) })
      .expect(303);
    const teacher = await UserModel.findOne({ provider: `lti11:${CONSUMER_KEY}`, subject: 'moodle-7' }).lean();

    const exp = Math.floor(clock.now().getTime() / 1000) + 300;
    const { agent } = await launch13({ sub: 'canvas-sub-7', module: MODULE, resourceLinkId: 'link-migrated' }, (nonce) => ({
      exp,
      [`${LTI}lti1p1`]: {
        user_id: 'moodle-7',
        oauth_consumer_key: CONSUMER_KEY,
        oauth_consumer_key_sign: signLti1p1(
          lti1p1BaseString({ consumerKey: CONSUMER_KEY, deploymentId: platform.deploymentId, issuer: platform.issuer, clientId: platform.clientId, exp, nonce }),
          CONSUMER_SECRET,
        ),
      },
    }));
    const modulePage = await agent.get(`/modules/${MODULE}`).expect(200);
    expect(modulePage.text).toContain('已学 1 / 2 课节');
    expect(modulePage.text).toContain('张建国');
    expect(await UserModel.countDocuments({ provider: { $regex: '^lti13:' }, subject: 'canvas-sub-7' })).toBe(0);
    const placement = await PlacementModel.findOne({ subject: 'canvas-sub-7' }).lean();
    expect(placement!.userId.equals(teacher!._id)).toBe(true);
  });

  test('a trainer\'s content-item (deep-linking) launch goes to the catalog picker with its request kept in the session', async () => {
    const launched = await postLaunch(app, clock, {
      lti_message_type: 'ContentItemSelectionRequest',
      resource_link_id: undefined,
      roles: 'Instructor',
      user_id: 'picker-trainer',
      content_item_return_url: 'https://moodle.core.example.cn/mod/lti/contentitem_return.php',
      accept_media_types: 'application/vnd.ims.lti.v1.ltilink',
      accept_presentation_document_targets: 'iframe,window',
    }).expect(303);
    expect(launched.headers.location).toMatch(/^\/lti\/deep-linking\?lt=/);
    const picker = await request(app).get(launched.headers.location!).expect(200);
    expect(picker.text).toContain(MODULE);
    expect(await PlacementModel.countDocuments({ subject: 'picker-trainer' })).toBe(0);
  });
});
