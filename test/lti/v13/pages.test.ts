import request from 'supertest';
import type { Express } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { CompletionModel } from '../../../src/completion';
import { loadCatalog, syncCatalog } from '../../../src/courses';
import { UserModel } from '../../../src/users';
import { useTestDatabase } from '../../support/database';
import { DEEP_LINKING_CLAIM, LTI, ROLE, type TestPlatform } from '../../support/lti-platform';
import { quizCourses } from '../../support/quiz-fixtures';
import { csrfTokenIn } from '../../support/web';
import { createHmac } from 'node:crypto';
import { createConsumer } from '../../../src/lti/v11';
import { launchParams, signLaunch } from '../v11/sign';
import { DEFAULT_CERTIFICATE_SETTINGS, issueForCompletion } from '../../../src/certificates';
import { creditCompletion } from '../../../src/ledger';
import { completeModule } from '../../certificates/fixtures';
import { connectedPlatform, eventWith, launch } from './flow';

useTestDatabase();

let app: Express;
let platform: TestPlatform;
let secrets: Awaited<ReturnType<typeof connectedPlatform>>['secrets'];

beforeAll(async () => {
  ({ app, platform, secrets } = await connectedPlatform());
  const fixture = quizCourses('graded-dl').module('plain-dl');
  await syncCatalog(loadCatalog(fixture.dir, fixture.dir));
});
afterAll(async () => {
  await platform.close();
});

describe('deep linking: the catalog picker', () => {
  it('lets a trainer pick modules and answers the platform with a signed LtiDeepLinkingResponse', async () => {
    const agent = request.agent(app);
    const launched = await launch(agent, platform, { sub: 'trainer-dl', roles: [ROLE.instructor], deepLinking: { data: 'opaque-状态-123', acceptMultiple: true } });
    expect(launched.status).toBe(303);
    expect(launched.headers.location).toMatch(/^\/lti\/deep-linking(\?|$)/);

    const picker = await agent.get(launched.headers.location!).set('Accept-Language', 'en').expect(200);
    expect(picker.text).toContain('type="checkbox" id="pick-graded-dl" name="modules" value="graded-dl"');
    expect(picker.text).toContain('<label for="pick-plain-dl">Test module plain-dl</label>');
    expect(picker.text).toMatch(/2\.5 h · graded/);

    const answer = await agent
      .post('/lti/deep-linking')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrfTokenIn(picker.text), modules: ['graded-dl', 'plain-dl'] })
      .expect(200);
    const returnUrl = `${platform.issuer}/deep-linking/return`;
    expect(answer.text).toContain(`<form id="lti-auto-post" method="post" action="${returnUrl}">`);
    expect(answer.headers['content-security-policy']).toContain(`form-action 'self' ${platform.issuer}`);
    const jwt = /name="JWT" value="([^"]+)"/.exec(answer.text)![1]!;

    // Verified with the tool's published keys and jose alone, independent of Shixun's signing code.
    const keys = createLocalJWKSet((await request(app).get('/lti/jwks').expect(200)).body);
    const { payload, protectedHeader } = await jwtVerify(jwt, keys, { algorithms: ['RS256'], issuer: platform.clientId, audience: platform.issuer });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload[`${LTI}message_type`]).toBe('LtiDeepLinkingResponse');
    expect(payload[`${LTI}version`]).toBe('1.3.0');
    expect(payload[`${LTI}deployment_id`]).toBe(platform.deploymentId);
    expect(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBe('opaque-状态-123');
    expect(payload.nonce).toEqual(expect.any(String));
    expect(payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items']).toEqual([
      {
        type: 'ltiResourceLink',
        title: 'Test module graded-dl',
        url: 'http://shixun.test/lti/launch',
        custom: { module: 'graded-dl' },
        lineItem: { scoreMaximum: 100, label: 'Test module graded-dl', resourceId: 'graded-dl' },
      },
      { type: 'ltiResourceLink', title: 'Test module plain-dl', url: 'http://shixun.test/lti/launch', custom: { module: 'plain-dl' } },
    ]);

    // The platform's return endpoint accepts it, verifying against the tool's JWKS too.
    const posted = await fetch(returnUrl, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });
    expect(posted.status).toBe(200);
    expect(platform.deepLinkingResponses.at(-1)?.payload.iss).toBe(platform.clientId);
    await eventWith({ kind: 'deep-linking', outcome: 'accepted' });

    // The request is answered once: the picker is gone.
    await agent.get('/lti/deep-linking').set('Accept-Language', 'en').expect(400);
  });

  it('offers radio buttons and refuses two modules when the platform accepts only one', async () => {
    const agent = request.agent(app);
    const launched = await launch(agent, platform, { sub: 'trainer-single', roles: [ROLE.instructor], deepLinking: { acceptMultiple: false } });
    const picker = await agent.get(launched.headers.location!).expect(200);
    expect(picker.text).toContain('type="radio" id="pick-graded-dl"');
    await agent.post('/lti/deep-linking').set('Accept-Language', 'en').type('form').send({ _csrf: csrfTokenIn(picker.text), modules: ['graded-dl', 'plain-dl'] }).expect(400);
    await agent.post('/lti/deep-linking').type('form').send({ _csrf: csrfTokenIn(picker.text), modules: 'nonexistent-module' }).expect(400);
  });

  it('is for trainers only', async () => {
    const agent = request.agent(app);
    const launched = await launch(agent, platform, { sub: 'learner-dl', roles: [ROLE.learner], deepLinking: {} });
    await agent.get(launched.headers.location!).expect(403);
  });

  it('refuses a deep-linking request without a return URL', async () => {
    const agent = request.agent(app);
    const refused = await launch(agent, platform, { sub: 'trainer-noreturn', roles: [ROLE.instructor], deepLinking: {} }, { claims: { [DEEP_LINKING_CLAIM]: { accept_types: ['ltiResourceLink'] } } });
    expect(refused.status).toBe(401);
    expect(refused.text).toMatch(/no valid return URL/);
  });
});

describe('deep linking for an LTI 1.1 consumer (Content-Item)', () => {
  it('answers a ContentItemSelectionRequest with a ContentItemSelection signed with the consumer secret', async () => {
    const secret = 'content-item-consumer-secret-01';
    await createConsumer(secrets.secretBox, { key: 'ci-moodle', secret });
    const agent = request.agent(app);
    const returnUrl = 'https://moodle.example.cn/mod/lti/contentitem_return.php?course=7';
    const fields = signLaunch({
      url: 'http://shixun.test/lti/launch',
      key: 'ci-moodle',
      secret,
      timestamp: Math.floor(Date.now() / 1000),
      params: launchParams({ lti_message_type: 'ContentItemSelectionRequest', resource_link_id: undefined, roles: 'Instructor', content_item_return_url: returnUrl, accept_multiple: 'true', data: 'moodle-opaque' }),
    });
    // ims-lti checks the signature against the URL it rebuilds from the Host header.
    const launched = await agent.post('/lti/launch').set('Host', 'shixun.test').type('form').send(fields).expect(303);
    const picker = await agent.get(launched.headers.location!).expect(200);
    const answer = await agent.post('/lti/deep-linking').type('form').send({ _csrf: csrfTokenIn(picker.text), modules: ['graded-dl'] }).expect(200);
    expect(answer.headers['content-security-policy']).toContain("form-action 'self' https://moodle.example.cn");
    const autoPost = answer.text.slice(answer.text.indexOf('<form id="lti-auto-post"'));
    const posted = Object.fromEntries([...autoPost.slice(0, autoPost.indexOf('</form>')).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [match[1], decodeEntities(match[2]!)]));
    expect(posted).toMatchObject({ lti_message_type: 'ContentItemSelection', data: 'moodle-opaque', oauth_consumer_key: 'ci-moodle', oauth_signature_method: 'HMAC-SHA1' });
    const items = JSON.parse(posted.content_items!) as { '@graph': Array<{ custom: { module: string }; lineItem?: unknown }> };
    expect(items['@graph'].map((item) => item.custom.module)).toEqual(['graded-dl']);
    expect(items['@graph'][0]!.lineItem).toBeDefined();

    // Checked with node's HMAC over an independently built base string (RFC 5849 §3.4.1).
    const { oauth_signature: signature, ...signed } = posted as Record<string, string>;
    const url = new URL(returnUrl);
    const params = [...Object.entries(signed), ...url.searchParams.entries()].map(([name, value]) => [rfc3986(name), rfc3986(value)]).sort(([a, x], [b, y]) => (a === b ? (x! < y! ? -1 : 1) : a! < b! ? -1 : 1));
    const base = ['POST', rfc3986(`${url.origin}${url.pathname}`), rfc3986(params.map(([name, value]) => `${name}=${value}`).join('&'))].join('&');
    expect(createHmac('sha1', `${rfc3986(secret)}&`).update(base).digest('base64')).toBe(signature);
  });
});

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the NRPS roster page', () => {
  beforeAll(async () => {
    platform.setMembers([
      { user_id: 'trainer-r', roles: [ROLE.instructor], name: '李老师', status: 'Active' },
      { user_id: 'learner-r1', roles: [ROLE.learner], name: '张老师', email: 'zhang@school.cn', status: 'Active' },
      { user_id: 'learner-r2', roles: [ROLE.learner], name: '赵老师', status: 'Active' },
      { user_id: 'learner-r3', roles: [ROLE.learner], name: '钱老师', status: 'Inactive' },
    ]);
    platform.pageSize = 2;
    expect((await launch(request.agent(app), platform, { sub: 'learner-r1', resourceLinkId: 'link-roster', module: 'plain-dl' })).status).toBe(303);
    const learner = await UserModel.findOne({ subject: 'learner-r1' }).lean();
    await CompletionModel.create({
      idempotencyKey: `${learner!._id.toHexString()}:plain-dl@1:lessons`,
      userId: learner!._id,
      moduleId: 'plain-dl',
      moduleVersion: 1,
      track: 'homeroom-new',
      category: 'homeroom-new',
      creditHours: 2.5,
      completedAt: new Date('2026-09-02T08:00:00Z'),
    });
  });

  it("shows a trainer their course's members with completion of the placed module, from every page of the roster", async () => {
    const agent = request.agent(app);
    expect((await launch(agent, platform, { sub: 'trainer-r', roles: [ROLE.instructor], resourceLinkId: 'link-roster', module: 'plain-dl' })).status).toBe(303);
    const page = await agent.get('/lti/roster').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('Homeroom training 2026');
    for (const name of ['李老师', '张老师', '赵老师', '钱老师']) expect(page.text).toContain(name);
    expect(page.text).toContain('<th scope="col">Test module plain-dl</th>');
    expect(page.text).toMatch(/张老师<br><span class="meta">zhang@school\.cn<\/span><\/th>\s*<td>Learner<\/td>\s*<td>\s*completed/);
    expect(page.text).toMatch(/赵老师<\/th>\s*<td>Learner<\/td>\s*<td>\s*not opened yet/);
    expect(page.text).toContain('钱老师 <span class="meta">(inactive)</span>');

    const learners = await agent.get('/lti/roster').query({ role: 'learner' }).set('Accept-Language', 'en').expect(200);
    expect(learners.text).not.toContain('李老师');
    expect(learners.text).toContain('3 member(s)');
  });

  it('is not shown to learners', async () => {
    const agent = request.agent(app);
    await launch(agent, platform, { sub: 'learner-r2', resourceLinkId: 'link-roster', module: 'plain-dl' });
    await agent.get('/lti/roster').expect(403);
  });

  it("shows a member's ledger hours and the certificate of a passed module placed in the course", async () => {
    const learnerAgent = request.agent(app);
    await launch(learnerAgent, platform, { sub: 'learner-r2', resourceLinkId: 'link-roster-graded', module: 'graded-dl' });
    const learner = await UserModel.findOne({ subject: 'learner-r2' }).lean();
    const completion = await completeModule(learner!._id, 'graded-dl', new Date('2026-09-03T08:00:00Z'));
    await creditCompletion(completion);
    const issued = await issueForCompletion(completion, DEFAULT_CERTIFICATE_SETTINGS);
    const number = issued!.certificate.number;

    const agent = request.agent(app);
    await launch(agent, platform, { sub: 'trainer-r', roles: [ROLE.instructor], resourceLinkId: 'link-roster-graded', module: 'graded-dl' });
    const page = await agent.get('/lti/roster').set('Accept-Language', 'en').expect(200);
    const row = /赵老师<\/th>[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toContain(number);
    expect(row).toMatch(/<td>2\.5<\/td>/);
  });

  it("reports the platform's failure on the page and in diagnostics", async () => {
    const agent = request.agent(app);
    await launch(agent, platform, { sub: 'trainer-r', roles: [ROLE.instructor], resourceLinkId: 'link-roster', module: 'plain-dl' });
    platform.failNextRoster(1, 503);
    const res = await agent.get('/lti/roster').set('Accept-Language', 'en').expect(502);
    expect(res.text).toContain('The LMS did not return the roster');
    const event = await eventWith({ kind: 'roster', outcome: 'failed' });
    expect(event.reason).toBe('http-503');
    expect(JSON.stringify(event.details)).toContain('injected failure');
  });
});
