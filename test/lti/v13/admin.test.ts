import { shixunOn } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { csrfTokenIn, signIn, testApp } from '../../support/web';
import { listPlatforms, PlatformModel } from '../../../src/lti/v13';

const database = useTestDatabase();
const shixun = shixunOn(database);

const platformArgs = (issuer: string) => [
  'lti',
  'add-platform',
  '--issuer',
  issuer,
  '--client-id',
  'client-cli',
  '--deployment-id',
  'dep-1',
  '--deployment-id',
  'dep-2',
  '--auth-url',
  `${issuer}/mod/lti/auth.php`,
  '--token-url',
  `${issuer}/mod/lti/token.php`,
  '--jwks-url',
  `${issuer}/mod/lti/certs.php`,
  '--name',
  '区 Moodle',
];

describe('shixun lti add-platform / list-platforms', () => {
  it('registers a platform and lists it as JSON', () => {
    const added = shixun(platformArgs('https://moodle.district.example'));
    expect(added.stderr).toContain('LTI 1.3 platform 区 Moodle registered');
    expect(added.code).toBe(0);
    const listed = shixun(['lti', 'list-platforms', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        name: '区 Moodle',
        issuer: 'https://moodle.district.example',
        clientId: 'client-cli',
        deploymentIds: ['dep-1', 'dep-2'],
        jwksUrl: 'https://moodle.district.example/mod/lti/certs.php',
        registeredBy: 'cli',
      }),
    ]);
  });

  it('refuses the same issuer and client id twice (exit 1), and missing or invalid options (exit 2)', () => {
    expect(shixun(platformArgs('https://moodle.district.example')).code).toBe(1);
    const missing = shixun(['lti', 'add-platform', '--issuer', 'https://x.example']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --client-id');
    const invalid = shixun(platformArgs('not a url'));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('issuer');
  });

  it('prints a one-time dynamic registration URL', () => {
    const printed = shixun(['lti', 'registration-url']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim()).toMatch(/^http:\/\/localhost:\d+\/lti\/register\?invite=[\w-]{32}$/);
  });
});

describe('/admin/lti/platforms', () => {
  it('lets an admin register a platform, add a deployment and create a registration URL', async () => {
    const app = testApp();
    const admin = await signIn(app, '管理员', '', 'admin');
    const page = await admin.get('/admin/lti/platforms').set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('LTI 1.3 platforms');
    await admin
      .post('/admin/lti/platforms')
      .type('form')
      .send({
        _csrf: csrfTokenIn(page.text),
        name: 'Canvas',
        issuer: 'https://canvas.instructure.com',
        clientId: '10000000000001',
        deploymentIds: 'dep-a, dep-b',
        authUrl: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
        tokenUrl: 'https://sso.canvaslms.com/login/oauth2/token',
        jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
        origins: 'https://school.instructure.com',
      })
      .expect(303);
    const canvas = (await listPlatforms()).find((platform) => platform.clientId === '10000000000001')!;
    expect(canvas).toMatchObject({ deploymentIds: ['dep-a', 'dep-b'], origins: ['https://school.instructure.com'], registeredBy: 'admin' });

    const listed = await admin.get('/admin/lti/platforms').set('Accept-Language', 'en').expect(200);
    expect(listed.text).toContain('<code>https://canvas.instructure.com</code>');
    await admin.post(`/admin/lti/platforms/${canvas._id.toHexString()}/deployments`).type('form').send({ _csrf: csrfTokenIn(listed.text), deploymentId: 'dep-c' }).expect(303);
    expect((await PlatformModel.findById(canvas._id).lean())?.deploymentIds).toEqual(['dep-a', 'dep-b', 'dep-c']);

    const invite = await admin.post('/admin/lti/platforms/registration-url').type('form').set('Accept-Language', 'en').send({ _csrf: csrfTokenIn(listed.text) }).expect(200);
    expect(invite.text).toMatch(/<code class="tool-url" id="registration-url">http:\/\/shixun\.test\/lti\/register\?invite&#x3D;[\w-]{32}<\/code>/);

    const bad = await admin.post('/admin/lti/platforms').type('form').set('Accept-Language', 'en').send({ _csrf: csrfTokenIn(listed.text), issuer: 'javascript:alert(1)', clientId: 'x', deploymentIds: 'd', authUrl: 'x', tokenUrl: 'x', jwksUrl: 'x' }).expect(400);
    expect(bad.text).toContain('issuer');
  });

  it('is for admins only', async () => {
    const app = testApp();
    const trainer = await signIn(app, '培训者', '', 'trainer');
    await trainer.get('/admin/lti/platforms').expect(403);
  });
});
