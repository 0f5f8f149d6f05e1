import type { Express } from 'express';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { DEFAULT_CERTIFICATE_SETTINGS, findCertificateByNumber, issueForCompletion, listCertificatesOfUser, type Certificate } from '../../src/certificates';
import { UserModel, type User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { signIn, testApp, TEST_BASE_URL } from '../support/web';
import { completeModule, publishCertificateCourses } from './fixtures';

useTestDatabase();

type Agent = ReturnType<typeof request.agent>;
let app: Express;
let certificate: Certificate;
const agents: Record<string, Agent> = {};
const ROLES = ['anonymous', 'owner', 'otherLearner', 'trainer', 'registrar', 'otherRegistrar', 'admin'] as const;
type Who = (typeof ROLES)[number];

async function userNamed(name: string): Promise<User> {
  return (await UserModel.findOne({ displayName: name }).lean<User>())!;
}

async function issueFor(name: string, moduleId: string, day: string): Promise<Certificate> {
  const user = await userNamed(name);
  const completion = await completeModule(user._id, moduleId, new Date(`${day}T01:00:00Z`));
  return (await issueForCompletion(completion, DEFAULT_CERTIFICATE_SETTINGS))!.certificate;
}

beforeAll(async () => {
  await publishCertificateCourses();
  app = testApp();
  agents.anonymous = request.agent(app);
  agents.owner = await signIn(app, '李晓雯', 'S001');
  agents.otherLearner = await signIn(app, '王建国', 'S001');
  agents.trainer = await signIn(app, '培训师', '', 'trainer');
  agents.registrar = await signIn(app, '新华路教务', 'S001', 'registrar');
  agents.otherRegistrar = await signIn(app, '滨河教务', 'S002', 'registrar');
  agents.admin = await signIn(app, '区管理员', '', 'admin');
  certificate = await issueFor('李晓雯', 'cert-a', '2026-09-01');
});

/** POSTs a form the way the page would: a CSRF token taken from a page the agent can see. */
async function postForm(who: Who, url: string, fields: Record<string, string>) {
  const page = await agents[who]!.get(who === 'anonymous' ? '/dev/login' : '/catalog');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? 'none';
  return agents[who]!.post(url).type('form').send({ _csrf: token, ...fields });
}

describe('every route against every role', () => {
  const expectations: [string, (c: Certificate) => string, Record<Who, number>][] = [
    ['verification page', (c) => `/verify/${c.verificationCode}`, { anonymous: 200, owner: 200, otherLearner: 200, trainer: 200, registrar: 200, otherRegistrar: 200, admin: 200 }],
    ['my certificates', () => '/my/certificates', { anonymous: 401, owner: 200, otherLearner: 200, trainer: 200, registrar: 200, otherRegistrar: 200, admin: 200 }],
    ['the PDF', (c) => `/my/certificates/${c._id.toHexString()}.pdf`, { anonymous: 401, owner: 200, otherLearner: 404, trainer: 404, registrar: 404, otherRegistrar: 404, admin: 404 }],
    ['registrar search', () => '/registrar/certificates', { anonymous: 401, owner: 403, otherLearner: 403, trainer: 403, registrar: 200, otherRegistrar: 200, admin: 200 }],
    ['registrar export', () => '/registrar/certificates/export?format=csv', { anonymous: 401, owner: 403, otherLearner: 403, trainer: 403, registrar: 200, otherRegistrar: 200, admin: 200 }],
    ['programmes', () => '/trainer/programmes', { anonymous: 401, owner: 403, otherLearner: 403, trainer: 200, registrar: 403, otherRegistrar: 403, admin: 200 }],
  ];
  it.each(expectations)('GET %s', async (_name, url, statuses) => {
    for (const who of ROLES) {
      const response = await agents[who]!.get(url(certificate));
      expect({ who, status: response.status }).toEqual({ who, status: statuses[who] });
    }
  });

  it('POST revoke and re-issue: only registrars of the holder’s school and admins', async () => {
    const target = await issueFor('王建国', 'cert-a', '2026-09-02');
    for (const who of ['anonymous', 'owner', 'trainer', 'otherRegistrar'] as const) {
      const revoke = await postForm(who, `/registrar/certificates/${target.number}/revoke`, { reasonCategory: 'issued-in-error' });
      const reissue = await postForm(who, `/registrar/certificates/${target.number}/reissue`, {});
      expect({ who, revoke: revoke.status, reissue: reissue.status }).toEqual({ who, revoke: who === 'anonymous' ? 401 : 403, reissue: who === 'anonymous' ? 401 : 403 });
    }
    const reissued = await postForm('registrar', `/registrar/certificates/${target.number}/reissue`, {});
    expect(reissued.status).toBe(303);
    const successorNumber = decodeURIComponent(/q=([^&]+)/.exec(reissued.headers.location!)![1]!);
    expect(await findCertificateByNumber(successorNumber)).toMatchObject({ supersedes: target.number });
    expect((await postForm('admin', `/registrar/certificates/${target.number}/reissue`, {})).status).toBe(409);
    expect((await postForm('admin', `/registrar/certificates/${successorNumber}/revoke`, { reasonCategory: 'nonsense' })).status).toBe(400);
    expect((await postForm('admin', `/registrar/certificates/${successorNumber}/revoke`, { reasonCategory: 'data-correction', note: '核对后撤销' })).status).toBe(303);
    expect((await postForm('registrar', `/registrar/certificates/${successorNumber}/revoke`, { reasonCategory: 'other' })).status).toBe(409);
    expect((await postForm('admin', '/registrar/certificates/SX-2026-0000-0000/revoke', { reasonCategory: 'other' })).status).toBe(404);
  });

  it('POST programmes: trainers and admins', async () => {
    const form = { programmeId: 'pages-programme', titleZh: '页面测试项目', titleEn: 'Pages programme', category: 'homeroom-new', moduleIds: 'cert-a' };
    for (const who of ['anonymous', 'owner', 'registrar'] as const) {
      expect({ who, status: (await postForm(who, '/trainer/programmes', form)).status }).toEqual({ who, status: who === 'anonymous' ? 401 : 403 });
    }
    const saved = await postForm('trainer', '/trainer/programmes', form);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/trainer/programmes/pages-programme?saved=1');
    // The owner already holds cert-a: the one-module programme is issued at once.
    const owner = await userNamed('李晓雯');
    expect((await listCertificatesOfUser(owner._id)).some((c) => c.programmeId === 'pages-programme')).toBe(true);
    const page = await agents.admin!.get('/trainer/programmes/pages-programme').expect(200);
    expect(page.text).toContain('页面测试项目');
    expect((await postForm('trainer', '/trainer/programmes', { ...form, moduleIds: 'no-such-module' })).status).toBe(400);
    expect((await postForm('trainer', '/trainer/programmes', { ...form, titleZh: '' })).status).toBe(400);
  });
});

describe('the public verification page', () => {
  it('shows valid, with only name, title, hours, date and issuer, as HTML and JSON', async () => {
    const page = await request(app).get(`/verify/${certificate.verificationCode}`).expect(200);
    expect(page.text).toContain('有效');
    expect(page.text).toContain('李晓雯');
    expect(page.text).toContain('测试模块 cert-a');
    expect(page.text).not.toContain('新华路小学');
    const json = await request(app).get(`/verify/${certificate.verificationCode}`).set('Accept', 'application/json').expect(200);
    expect(json.body).toEqual({
      status: 'valid',
      certificate: {
        number: certificate.number,
        kind: 'module',
        holder: '李晓雯',
        title: { 'zh-CN': '测试模块 cert-a', en: 'Test module cert-a' },
        hours: 2.5,
        completedAt: certificate.completedAt.toISOString(),
        issuer: DEFAULT_CERTIFICATE_SETTINGS.issuer.name,
      },
    });
  });

  it('shows revoked with date and reason, and superseded with a link to the newer certificate', async () => {
    const revoked = await issueFor('王建国', 'cert-b', '2026-09-03');
    await postForm('registrar', `/registrar/certificates/${revoked.number}/revoke`, { reasonCategory: 'misconduct' }).then((r) => expect(r.status).toBe(303));
    const json = await request(app).get(`/verify/${revoked.verificationCode}`).set('Accept', 'application/json').expect(200);
    expect(json.body).toMatchObject({ status: 'revoked', reasonCategory: 'misconduct' });
    const page = await request(app).get(`/verify/${revoked.verificationCode}?lang=en`).expect(200);
    expect(page.text).toContain('Revoked');
    expect(page.text).toContain('Misconduct');

    const old = await issueFor('李晓雯', 'cert-b', '2026-09-04');
    const reissue = await postForm('admin', `/registrar/certificates/${old.number}/reissue`, {});
    const successor = (await findCertificateByNumber(decodeURIComponent(/q=([^&]+)/.exec(reissue.headers.location!)![1]!)))!;
    const superseded = await request(app).get(`/verify/${old.verificationCode}`).set('Accept', 'application/json').expect(200);
    expect(superseded.body.supersededBy).toEqual({ number: successor.number, url: `${TEST_BASE_URL}/verify/${successor.verificationCode}` });
    const html = await request(app).get(`/verify/${old.verificationCode}`).expect(200);
    expect(html.text).toContain(`href="${TEST_BASE_URL}/verify/${successor.verificationCode}"`);
  });

  it('answers every unknown code with the same 404 page', async () => {
    const codes = ['AAAAAAAAAAAAAAAAAAAAAAAA', certificate.verificationCode.slice(0, -1) + (certificate.verificationCode.endsWith('A') ? 'B' : 'A'), 'short', '%24where'];
    const bodies = [];
    for (const code of codes) {
      const response = await request(app).get(`/verify/${code}`).expect(404);
      bodies.push(response.text);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('找不到这张证书');
    const json = await request(app).get('/verify/AAAAAAAAAAAAAAAAAAAAAAAA').set('Accept', 'application/json').expect(404);
    expect(Object.keys(json.body)).toEqual(['error']);
  });

  it('is rate-limited per address', async () => {
    const limited = testApp();
    for (let i = 0; i < 60; i++) await request(limited).get('/verify/unknown').expect(404);
    await request(limited).get(`/verify/${certificate.verificationCode}`).expect(429);
  });
});

describe('learner and registrar pages', () => {
  it('lists the learner’s certificates with PDF, credential and verification link', async () => {
    const page = await agents.owner!.get('/my/certificates').expect(200);
    const id = certificate._id.toHexString();
    expect(page.text).toContain(`href="/my/certificates/${id}.pdf"`);
    expect(page.text).toContain(`href="/credentials/${certificate.verificationCode}?download=1"`);
    expect(page.text).toContain(`value="${TEST_BASE_URL}/verify/${certificate.verificationCode}"`);
    expect(page.text).toContain('data-copy-target');
    const empty = await agents.trainer!.get('/my/certificates?lang=en').expect(200);
    expect(empty.text).toContain('No certificates yet');
    const pdf = await agents.owner!.get(`/my/certificates/${id}.pdf`).buffer(true).expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('scopes the registrar’s search to their schools and searches by name, number, module and status', async () => {
    const mine = await agents.registrar!.get('/registrar/certificates?q=李晓').expect(200);
    expect(mine.text).toContain(certificate.number);
    const other = await agents.otherRegistrar!.get('/registrar/certificates').expect(200);
    expect(other.text).not.toContain(certificate.number);
    const byNumber = await agents.admin!.get(`/registrar/certificates?q=${certificate.number}`).expect(200);
    expect(byNumber.text).toContain(certificate.number);
    const byModule = await agents.admin!.get('/registrar/certificates?module=cert-b').expect(200);
    expect(byModule.text).not.toContain(certificate.number);
    const revokedOnly = await agents.admin!.get('/registrar/certificates?status=revoked').expect(200);
    expect(revokedOnly.text).not.toContain(certificate.number);
    await agents.admin!.get('/registrar/certificates?status=lost').expect(400);
    // A repeated parameter arrives as an array, which is refused rather than passed to a query.
    await agents.admin!.get('/registrar/certificates?q=a&q=b').expect(400);
  });

  it('exports the list as CSV and XLSX', async () => {
    const csv = await agents.registrar!.get('/registrar/certificates/export?format=csv').expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.startsWith('\uFEFF证书编号,持证人')).toBe(true);
    expect(csv.text).toContain(certificate.number);
    expect(csv.text).toContain(certificate.verificationCode);
    const xlsx = await agents.admin!.get('/registrar/certificates/export?format=xlsx').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(xlsx.body as Buffer).buffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('证书编号');
    const numbers = sheet.getColumn(1).values.slice(2);
    expect(numbers).toContain(certificate.number);
    const other = await agents.otherRegistrar!.get('/registrar/certificates/export?format=csv').expect(200);
    expect(other.text).not.toContain(certificate.number);
  });
});
