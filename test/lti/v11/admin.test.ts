import type { Express } from 'express';
import request from 'supertest';
import { findConsumer, LtiConsumerModel } from '../../../src/lti/v11';
import { useTestDatabase } from '../../support/database';
import { csrfTokenIn, signIn, testApp, testSecrets } from '../../support/web';
import { launchParams, signLaunch } from './sign';

useTestDatabase();

let app: Express;
beforeAll(() => {
  app = testApp({ baseUrl: 'https://shixun.school.example.cn' });
});

describe('admin pages for LTI 1.1 consumers', () => {
  test('an admin creates a consumer and sees its generated secret once; the secret works for launches and is stored sealed', async () => {
    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    const empty = await admin.get('/admin/lti/consumers?lang=en').expect(200);
    expect(empty.text).toContain('No LTI 1.1 consumer is registered yet');
    expect(empty.text).toContain('https://shixun.school.example.cn/lti/launch');

    const created = await admin
      .post('/admin/lti/consumers')
      .type('form')
      .send({ _csrf: csrfTokenIn(empty.text), key: 'xinhua-moodle', name: '新华路小学 Moodle', secret: '', origins: 'https://moodle.xinhua.example.cn/course/view.php?id=7\nhttps://moodle2.xinhua.example.cn' })
      .expect(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const secret = /id="consumer-secret">([^<]+)</.exec(created.text)?.[1];
    expect(secret).toMatch(/^[\w-]{32}$/);

    const stored = await LtiConsumerModel.findOne({ key: 'xinhua-moodle' }).lean();
    expect(stored?.sealedSecret).not.toContain(secret);
    expect(testSecrets().secretBox.open(stored!.sealedSecret)).toBe(secret);
    expect(stored?.allowedOrigins).toEqual(['https://moodle.xinhua.example.cn', 'https://moodle2.xinhua.example.cn']);

    const list = await admin.get('/admin/lti/consumers').expect(200);
    expect(list.text).toContain('xinhua-moodle');
    expect(list.text).toContain('新华路小学 Moodle');
    expect(list.text).not.toContain(secret);

    const fields = signLaunch({ url: 'https://shixun.school.example.cn/lti/launch', key: 'xinhua-moodle', secret: secret!, params: launchParams(), timestamp: Math.floor(Date.now() / 1000) });
    await request(app).post('/lti/launch').set('Host', 'shixun.school.example.cn').set('X-Forwarded-Proto', 'https').type('form').send(fields).expect(401);
    // …not over plain http behind an untrusted proxy; through a trusting app it passes:
    const behindProxy = testApp({ baseUrl: 'https://shixun.school.example.cn', trustProxy: true });
    const again = signLaunch({ url: 'https://shixun.school.example.cn/lti/launch', key: 'xinhua-moodle', secret: secret!, params: launchParams(), timestamp: Math.floor(Date.now() / 1000) });
    await request(behindProxy).post('/lti/launch').set('Host', 'shixun.school.example.cn').set('X-Forwarded-Proto', 'https').type('form').send(again).expect(303);
  });

  test('a secret the admin types is kept, but never shown on the list', async () => {
    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    const page = await admin.get('/admin/lti/consumers').expect(200);
    const created = await admin.post('/admin/lti/consumers').type('form').send({ _csrf: csrfTokenIn(page.text), key: 'canvas-district', name: '', secret: 'typed-secret-0123456789', origins: '' }).expect(201);
    expect(created.text).toContain('typed-secret-0123456789');
    const list = await admin.get('/admin/lti/consumers').expect(200);
    expect(list.text).not.toContain('typed-secret-0123456789');
    expect((await findConsumer('canvas-district'))?.name).toBe('canvas-district');
  });

  test('bad input is shown back with reasons; a duplicate key is refused', async () => {
    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    const page = await admin.get('/admin/lti/consumers?lang=en').expect(200);
    const csrf = csrfTokenIn(page.text);
    const bad = await admin.post('/admin/lti/consumers').type('form').send({ _csrf: csrf, key: 'has space', name: 'x', secret: 'short', origins: '' }).expect(400);
    expect(bad.text).toContain('without spaces');
    expect(bad.text).toContain('16–200 characters');
    expect(bad.text).toContain('role="alert"');
    const origin = await admin.post('/admin/lti/consumers').type('form').send({ _csrf: csrf, key: 'ok-key', name: '', secret: '', origins: 'javascript:alert(1)' }).expect(400);
    expect(origin.text).toContain('must be an http(s) address');
    expect(await findConsumer('ok-key')).toBeNull();
    const duplicate = await admin.post('/admin/lti/consumers').type('form').send({ _csrf: csrf, key: 'xinhua-moodle', name: '', secret: '', origins: '' }).expect(409);
    expect(duplicate.text).toContain('already exists');
  });

  test('an admin disables and enables a consumer', async () => {
    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    const page = await admin.get('/admin/lti/consumers').expect(200);
    await admin.post('/admin/lti/consumers/status').type('form').send({ _csrf: csrfTokenIn(page.text), key: 'xinhua-moodle', disabled: 'true' }).expect(303);
    expect((await findConsumer('xinhua-moodle'))?.disabledAt).toBeInstanceOf(Date);
    const disabled = await admin.get('/admin/lti/consumers?lang=en').expect(200);
    expect(disabled.text).toContain('Enable 新华路小学 Moodle');
    await admin.post('/admin/lti/consumers/status').type('form').send({ _csrf: csrfTokenIn(disabled.text), key: 'xinhua-moodle', disabled: 'false' }).expect(303);
    expect((await findConsumer('xinhua-moodle'))?.disabledAt).toBeUndefined();
    await admin.post('/admin/lti/consumers/status').type('form').send({ _csrf: csrfTokenIn(disabled.text), key: 'no-such-key', disabled: 'true' }).expect(404);
  });

  test('only admins, and only with a CSRF token', async () => {
    await request(app).get('/admin/lti/consumers').expect(401);
    const trainer = await signIn(app, '培训师', '', 'trainer');
    await trainer.get('/admin/lti/consumers').expect(403);
    const admin = await signIn(app, '区教研室管理员', '', 'admin');
    await admin.post('/admin/lti/consumers').type('form').send({ key: 'no-csrf', name: '', secret: '', origins: '' }).expect(403);
    expect(await findConsumer('no-csrf')).toBeNull();
  });
});

describe('GET /lti/config.xml', () => {
  test('is the LTI 1.1 cartridge with the launch URL and Canvas placements', async () => {
    const response = await request(app).get('/lti/config.xml').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    const xml = response.text;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<cartridge_basiclti_link /);
    expect(xml).toContain('<blti:launch_url>https://shixun.school.example.cn/lti/launch</blti:launch_url>');
    expect(xml).toContain('<blti:secure_launch_url>https://shixun.school.example.cn/lti/launch</blti:secure_launch_url>');
    expect(xml).toContain('<lticm:property name="privacy_level">public</lticm:property>');
    expect(xml).toContain('<lticm:property name="domain">shixun.school.example.cn</lticm:property>');
    for (const placement of ['course_navigation', 'editor_button', 'resource_selection']) expect(xml).toContain(`<lticm:options name="${placement}">`);
    expect(xml.match(/<lticm:property name="message_type">ContentItemSelectionRequest<\/lticm:property>/g)?.length).toBeGreaterThanOrEqual(2);
    // Balanced elements: every opened tag is closed.
    const opened = xml.match(/<(?![?/!])[^>]*[^/]>/g)?.length;
    const closed = xml.match(/<\/[^>]+>/g)?.length;
    expect(opened).toBe(closed);
  });
});
