import { createHmac } from 'node:crypto';
import express from 'express';
import OAuth from 'oauth-1.0a';
import request from 'supertest';
import { buildContentItemSelectionResponse, createConsumer, verifyLti11Launch } from '../../../src/lti/v11';
import { useTestDatabase } from '../../support/database';
import { testSecrets } from '../../support/web';
import { launchParams, signLaunch } from './sign';

useTestDatabase();

const KEY = 'mapping-lms';
const SECRET = 'mapping-secret-0123456789';
const { secretBox } = testSecrets();

/** Just the verification, over real HTTP, answering with what it produced. */
const app = express();
app.use(express.urlencoded({ extended: false }));
app.post('/lti/launch', (req, res, next) => {
  verifyLti11Launch(req, secretBox, new Date()).then((verdict) => res.json(verdict), next);
});

async function launch(params: Record<string, string>) {
  const host = '127.0.0.1';
  const agent = request(app);
  const fields = signLaunch({ url: `http://${host}/lti/launch`, key: KEY, secret: SECRET, params, timestamp: Math.floor(Date.now() / 1000) });
  const response = await agent.post('/lti/launch').set('Host', host).type('form').send(fields).expect(200);
  return response.body as { ok: boolean; launch?: Record<string, unknown>; refusal?: Record<string, unknown> };
}

beforeAll(async () => {
  await createConsumer(secretBox, { key: KEY, secret: SECRET, allowedOrigins: ['https://moodle.xinhua.example.cn', 'https://other.example.cn'] });
});

describe('an LTI 1.1 launch as a VerifiedLaunch', () => {
  test('identity, names, roles, context, module, outcome target and origin', async () => {
    const verdict = await launch(
      launchParams({
        roles: 'urn:lti:role:ims/lis/Learner,urn:lti:instrole:ims/lis/Instructor',
        custom_module: 'ethics-integrity-basics',
        custom_school_code: 'XH001',
        lis_outcome_service_url: 'https://moodle.xinhua.example.cn/mod/lti/service.php',
        lis_result_sourcedid: 'sourced-1',
        launch_presentation_return_url: 'https://moodle.xinhua.example.cn/mod/lti/return.php?course=7',
      }),
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.launch).toEqual({
      version: '1.1',
      provider: `lti11:${KEY}`,
      subject: 'moodle-user-42',
      displayName: '王小红',
      email: 'wang.xiaohong@school.example.cn',
      schoolCode: 'XH001',
      roles: ['learner'],
      lmsRoles: ['urn:lti:role:ims/lis/Learner', 'urn:lti:instrole:ims/lis/Instructor'],
      context: { id: 'course-7', title: '新任班主任培训' },
      resourceLink: { id: 'rl-101', title: '班主任工作职责' },
      moduleId: 'ethics-integrity-basics',
      kind: 'resource',
      outcome: { kind: 'lti11', consumerKey: KEY, serviceUrl: 'https://moodle.xinhua.example.cn/mod/lti/service.php', sourcedId: 'sourced-1' },
      platformOrigin: 'https://moodle.xinhua.example.cn',
    });
  });

  test('western names keep given-name order; no name and no email are fine', async () => {
    expect((await launch(launchParams({ lis_person_name_given: 'Ada', lis_person_name_family: 'Lovelace' }))).launch?.displayName).toBe('Ada Lovelace');
    expect((await launch(launchParams({ lis_person_name_full: '李 老师' }))).launch?.displayName).toBe('李 老师');
    const anonymous = await launch(launchParams({ lis_person_name_given: undefined, lis_person_name_family: undefined, lis_person_contact_email_primary: undefined, context_id: undefined, roles: undefined }));
    expect(anonymous.ok).toBe(true);
    expect(anonymous.launch).not.toHaveProperty('displayName');
    expect(anonymous.launch).not.toHaveProperty('context');
    expect(anonymous.launch?.roles).toEqual(['learner']);
  });

  test('custom_module_id is read when custom_module is absent', async () => {
    expect((await launch(launchParams({ custom_module_id: 'school-safety-drills' }))).launch?.moduleId).toBe('school-safety-drills');
  });

  test('a Content-Item selection request becomes a deep-linking launch', async () => {
    const verdict = await launch(
      launchParams({
        lti_message_type: 'ContentItemSelectionRequest',
        resource_link_id: undefined,
        roles: 'Instructor',
        content_item_return_url: 'https://other.example.cn/lti/return?x=1',
        data: 'opaque-platform-data',
        accept_multiple: 'true',
        accept_media_types: 'application/vnd.ims.lti.v1.ltilink',
      }),
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.launch).toMatchObject({
      kind: 'deep-linking',
      roles: ['trainer'],
      deepLinking: { returnUrl: 'https://other.example.cn/lti/return?x=1', data: 'opaque-platform-data', acceptMultiple: true },
      platformOrigin: 'https://other.example.cn',
    });
    expect(verdict.launch).not.toHaveProperty('resourceLink');
  });

  test('a Content-Item request needs its return URL, and URLs must be http(s)', async () => {
    const missing = await launch(launchParams({ lti_message_type: 'ContentItemSelectionRequest' }));
    expect(missing.refusal).toMatchObject({ reason: 'missing-parameters', details: { missing: ['content_item_return_url'] } });
    const script = await launch(launchParams({ lis_outcome_service_url: 'javascript:alert(1)', lis_result_sourcedid: 'x' }));
    expect(script.refusal).toMatchObject({ reason: 'invalid-parameters', details: { invalid: ['lis_outcome_service_url'] } });
  });
});

describe('the Content-Item selection response', () => {
  test('is signed for the consumer (verified with oauth-1.0a) and carries LtiLinkItems with a line item when graded', async () => {
    const returnUrl = 'https://moodle.xinhua.example.cn/mod/lti/contentitem_return.php?course=7&id=3';
    const post = await buildContentItemSelectionResponse({
      secretBox,
      consumerKey: KEY,
      returnUrl,
      data: 'opaque-platform-data',
      items: [
        { moduleId: 'homeroom-new-role-and-duties', title: '新任班主任岗位职责', url: 'https://shixun.test/lti/launch', graded: true },
        { moduleId: 'ethics-reading', title: '师德阅读', url: 'https://shixun.test/lti/launch', graded: false, text: '自学材料' },
      ],
    });
    expect(post.action).toBe(returnUrl);
    const { oauth_signature: signature, ...signedFields } = post.fields;
    expect(signedFields).toMatchObject({ lti_message_type: 'ContentItemSelection', lti_version: 'LTI-1p0', data: 'opaque-platform-data', oauth_consumer_key: KEY });

    const oauth = new OAuth({ consumer: { key: KEY, secret: SECRET }, signature_method: 'HMAC-SHA1', hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64') });
    const nonOAuth = Object.fromEntries(Object.entries(signedFields).filter(([name]) => !name.startsWith('oauth_')));
    const expected = oauth.getSignature({ url: returnUrl, method: 'POST', data: nonOAuth }, '', Object.fromEntries(Object.entries(signedFields).filter(([name]) => name.startsWith('oauth_'))) as unknown as OAuth.Data);
    expect(signature).toBe(expected);

    const items = JSON.parse(post.fields.content_items!) as { '@context': string; '@graph': Record<string, unknown>[] };
    expect(items['@context']).toBe('http://purl.imsglobal.org/ctx/lti/v1/ContentItem');
    expect(items['@graph']).toHaveLength(2);
    expect(items['@graph'][0]).toMatchObject({ '@type': 'LtiLinkItem', mediaType: 'application/vnd.ims.lti.v1.ltilink', url: 'https://shixun.test/lti/launch', title: '新任班主任岗位职责', custom: { module: 'homeroom-new-role-and-duties' }, lineItem: { '@type': 'LineItem', reportingMethod: 'res:totalScore' } });
    expect(items['@graph'][1]).not.toHaveProperty('lineItem');
    expect(items['@graph'][1]).toMatchObject({ text: '自学材料', custom: { module: 'ethics-reading' } });
  });

  test('is refused for an unknown consumer', async () => {
    await expect(buildContentItemSelectionResponse({ secretBox, consumerKey: 'nobody', returnUrl: 'https://x.example/r', items: [] })).rejects.toThrow('no enabled LTI 1.1 consumer');
  });
});
