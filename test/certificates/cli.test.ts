import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DEFAULT_CERTIFICATE_SETTINGS, issueForCompletion, listCertificatesOfUser, type Certificate } from '../../src/certificates';
import { UserModel } from '../../src/users';
import { runShixun, shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';
import { TEST_ENCRYPTION_KEY } from '../support/web';
import { completeModule, person, publishCertificateCourses } from './fixtures';

const database = useTestDatabase();
const shixun = shixunOn(database);
const folder = mkdtempSync(path.join(tmpdir(), 'shixun-certificates-cli-'));
let certificate: Certificate;

beforeAll(async () => {
  await publishCertificateCourses();
  const teacher = await person('李晓雯');
  const completion = await completeModule(teacher._id, 'cert-a', new Date('2026-09-01T01:00:00Z'));
  certificate = (await issueForCompletion(completion, DEFAULT_CERTIFICATE_SETTINGS))!.certificate;
});

describe('shixun certificates', () => {
  it('lists certificates as JSON', () => {
    const run = shixun(['certificates', 'list', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        number: certificate.number,
        verificationCode: certificate.verificationCode,
        holder: { name: '李晓雯', schoolCode: 'S001' },
        title: { 'zh-CN': '测试模块 cert-a', en: 'Test module cert-a' },
        hours: 2.5,
        status: { state: 'valid' },
      },
    ]);
  });

  it('writes the PDF', () => {
    const out = path.join(folder, 'certificate.pdf');
    const run = shixun(['certificates', 'pdf', certificate.number, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*certificate\.pdf \(\d+ KB\)\n$/);
    expect(existsSync(out)).toBe(true);
  });

  it('prints the signed credential', () => {
    const run = runShixun(['certificates', 'credential', certificate.number], { MONGODB_URI: database.uri(), MONGODB_DB: database.dbName, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const jwt = run.stdout.trim();
    expect(jwt.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(jwt).kid).toEqual(expect.any(String));
    expect(JSON.stringify(decodeJwt(jwt))).toContain(String(certificate.hours));
  });

  it('revokes with a reason, once, and refuses bad usage', () => {
    expect(shixun(['certificates', 'revoke', certificate.number]).code).toBe(2);
    expect(shixun(['certificates', 'revoke', 'SX-2026-0000-0000', '--reason', 'other']).code).toBe(1);
    const run = shixun(['certificates', 'revoke', certificate.number, '--reason', 'issued-in-error', '--note', '重复发放']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`revoked ${certificate.number} (issued-in-error)`);
    expect(shixun(['certificates', 'revoke', certificate.number, '--reason', 'other']).code).toBe(1);
    const listed = JSON.parse(shixun(['certificates', 'list', '--json']).stdout) as { status: { state: string; reasonCategory: string } }[];
    expect(listed[0]!.status).toMatchObject({ state: 'revoked', reasonCategory: 'issued-in-error' });
  });
});

describe('shixun demo seed', () => {
  it('issues the demo teachers’ certificates, and a second run issues none', async () => {
    const first = shixun(['demo', 'seed']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/, [1-9]\d* new certificates\n$/);
    const teacher = await UserModel.findOne({ provider: 'demo', displayName: '李晓雯' }).lean();
    const modules = (await listCertificatesOfUser(teacher!._id)).map((c) => c.moduleId).sort();
    expect(modules).toEqual(['homeroom-new-role-and-duties', 'homeroom-new-work-norms', 'safety-fire']);
    const second = shixun(['demo', 'seed']);
    expect(second.stdout).toMatch(/, 0 new certificates\n$/);
  });
});
