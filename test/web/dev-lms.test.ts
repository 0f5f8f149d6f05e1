import request from 'supertest';
import { loadCatalog, syncCatalog } from '../../src/courses';
import { LtiConsumerModel } from '../../src/lti/v11';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { CoursesFixture } from '../support/course-fixtures';
import { testApp } from '../support/web';

useTestDatabase();

beforeAll(async () => {
  const fixture = new CoursesFixture().module('homeroom-new-devlms', {});
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
});

/** The hidden fields of the page's auto-posting launch form. */
function launchFields(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form id="lti-auto-post" method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no launch form on the page');
  const decode = (value: string) => value.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");
  const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));
  return { action: decode(form[1]!), fields };
}

describe('the pretend LMS (development only)', () => {
  it('offers a form with the catalog and no launch until asked', async () => {
    const page = await request(testApp()).get('/dev/lms').expect(200);
    expect(page.text).toContain('value="homeroom-new-devlms"');
    expect(page.text).not.toContain('lti-auto-post');
  });

  it('signs a launch that the real LTI 1.1 check accepts, landing on the chosen module', async () => {
    // One listening server: the launch is signed for the host the browser used, so it must not change.
    const server = testApp().listen(0);
    const agent = request.agent(server);
    const page = await agent.get('/dev/lms').query({ name: '王老师', role: 'learner', module: 'homeroom-new-devlms', message: 'launch' }).expect(200);
    const { action, fields } = launchFields(page.text);
    expect(new URL(action).pathname).toBe('/lti/launch');
    expect(fields).toMatchObject({ lti_message_type: 'basic-lti-launch-request', oauth_consumer_key: 'shixun-dev-lms', custom_module: 'homeroom-new-devlms', roles: 'Learner' });
    const launched = await agent.post('/lti/launch').type('form').send(fields).expect(303);
    expect(launched.headers.location).toMatch(/^\/modules\/homeroom-new-devlms/);
    expect(await UserModel.countDocuments({ provider: 'lti11:shixun-dev-lms', displayName: '王老师' })).toBe(1);
    // The same signed form cannot be replayed.
    await agent.post('/lti/launch').type('form').send(fields).expect(401);
    expect(await LtiConsumerModel.countDocuments({ key: 'shixun-dev-lms' })).toBe(1);
    server.close();
  });

  it('asks for Content-Item selection as an instructor and shows what comes back', async () => {
    const app = testApp();
    const page = await request(app).get('/dev/lms').query({ name: '李老师', role: 'instructor', message: 'content-item' }).expect(200);
    const { fields } = launchFields(page.text);
    expect(fields).toMatchObject({ lti_message_type: 'ContentItemSelectionRequest', roles: 'Instructor' });
    expect(fields.content_item_return_url).toMatch(/\/dev\/lms\/return$/);
  });

  it('refuses an unknown module and a missing name', async () => {
    const app = testApp();
    await request(app).get('/dev/lms').query({ name: '王老师', module: 'no-such-module' }).expect(400);
    await request(app).get('/dev/lms').query({ name: '' }).expect(400);
  });

  it('does not exist in production', async () => {
    await request(testApp({ devLoginEnabled: false })).get('/dev/lms').expect(404);
  });
});
