import { Types } from 'mongoose';
import { CompletionModel, type Completion } from '../../src/completion';
import {
  catchUpCertificates,
  CERTIFICATE_NUMBER_PATTERN,
  CertificateError,
  CertificateModel,
  certificateStatus,
  DEFAULT_CERTIFICATE_SETTINGS,
  findCertificateByCode,
  issueForCompletion,
  listCertificatesOfUser,
  listCertificatesOfUsers,
  reissueCertificate,
  registerCertificateListener,
  revokeCertificate,
  saveProgramme,
  seedDefaultProgrammes,
  findProgramme,
  NEW_HOMEROOM_PROGRAMME_ID,
  VERIFICATION_CODE_PATTERN,
} from '../../src/certificates';
import { listTeacherEntries, registerLedgerListener } from '../../src/ledger';
import { UserModel } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { completeModule, person, publishCertificateCourses } from './fixtures';

useTestDatabase();

const settings = DEFAULT_CERTIFICATE_SETTINGS;
const registrar = { userId: 'r1', name: '教务处' };

beforeAll(async () => {
  await publishCertificateCourses();
});

/** Completions made with no listener subscribed, as after a crash. */
const quietly = completeModule;

describe('issuing a module certificate', () => {
  it('issues exactly one frozen certificate per completion, even when asked five times at once', async () => {
    const teacher = await person('李晓雯');
    const completion = await quietly(teacher._id, 'cert-a', new Date('2026-09-01T01:00:00Z'));
    const results = await Promise.all(Array.from({ length: 5 }, () => issueForCompletion(completion, settings, new Date('2026-09-02T00:00:00Z'))));
    expect(results.filter((result) => result?.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result!.certificate.number)).size).toBe(1);
    expect(await CertificateModel.countDocuments({ 'holder.userId': teacher._id })).toBe(1);

    const [entry] = await listTeacherEntries(teacher._id);
    const certificate = results[0]!.certificate;
    expect(certificate).toMatchObject({
      kind: 'module',
      holder: { userId: teacher._id, name: '李晓雯', schoolCode: 'S001', schoolName: '新华路小学' },
      title: { 'zh-CN': '测试模块 cert-a', en: 'Test module cert-a' },
      moduleId: 'cert-a',
      moduleVersion: 1,
      completionId: completion._id.toHexString(),
      hours: 2.5,
      category: 'homeroom-new',
      completedAt: completion.completedAt,
      issuer: settings.issuer,
      ledgerEntryIds: [entry!.entryId],
    });
    expect(certificate.activityStartedAt).toEqual(new Date('2026-09-01T01:00:00Z'));
    expect(certificate.number).toMatch(CERTIFICATE_NUMBER_PATTERN);
    expect(certificate.number.startsWith('SX-2026-')).toBe(true);
    expect(certificate.verificationCode).toMatch(VERIFICATION_CODE_PATTERN);
    expect(await certificateStatus(certificate)).toEqual({ state: 'valid' });

    // Later changes to the person do not touch what was issued.
    await UserModel.updateOne({ _id: teacher._id }, { displayName: '李晓雯（改名）' });
    expect((await findCertificateByCode(certificate.verificationCode))!.holder.name).toBe('李晓雯');
  });

  it('certifies nothing for a completion without a passed assessment', async () => {
    const teacher = await person('赵一鸣');
    const completion = (
      await CompletionModel.create({
        idempotencyKey: `${teacher._id.toHexString()}:cert-a@1:lessons`,
        userId: teacher._id,
        moduleId: 'cert-a',
        moduleVersion: 1,
        track: 'homeroom-new',
        category: 'homeroom-new',
        creditHours: 2.5,
        completedAt: new Date(),
      })
    ).toObject() as Completion;
    expect(await issueForCompletion(completion, settings)).toBeUndefined();
    expect(await listCertificatesOfUser(teacher._id)).toEqual([]);
  });

  it.each([
    ['ledger first', ['ledger', 'certificates']],
    ['certificates first', ['certificates', 'ledger']],
  ])('through the completion listeners (%s), names the ledger entry it certifies', async (_name, order) => {
    const offs = order.map((which) => (which === 'ledger' ? registerLedgerListener() : registerCertificateListener(settings)));
    try {
      const teacher = await person('王建国');
      await completeModule(teacher._id, 'cert-b', new Date('2026-09-03T01:00:00Z'));
      const [certificate] = await listCertificatesOfUser(teacher._id);
      const entries = await listTeacherEntries(teacher._id);
      expect(entries).toHaveLength(1);
      expect(certificate!.ledgerEntryIds).toEqual([entries[0]!.entryId]);
    } finally {
      for (const off of offs) off();
    }
  });

  it('draws numbers that say nothing about one another', async () => {
    const numbers = (await CertificateModel.find({}, { number: 1 }).lean()).map((c) => c.number);
    const teacher = await person('周佳怡');
    for (const day of [5, 6]) {
      const completion = await quietly(teacher._id, day === 5 ? 'cert-a' : 'cert-b', new Date(`2026-09-0${day}T01:00:00Z`));
      numbers.push((await issueForCompletion(completion, settings))!.certificate.number);
    }
    expect(new Set(numbers).size).toBe(numbers.length);
    const randomParts = numbers.map((n) => n.slice('SX-2026-'.length));
    // Consecutive certificates share no common run: not a counter.
    expect(randomParts.at(-1)).not.toEqual(randomParts.at(-2));
    expect(randomParts.every((part) => /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(part))).toBe(true);
  });
});

describe('revoking and re-issuing', () => {
  async function issued(name: string) {
    const teacher = await person(name, 'S002');
    const completion = await quietly(teacher._id, 'cert-a', new Date('2026-10-01T01:00:00Z'));
    return { teacher, certificate: (await issueForCompletion(completion, settings))!.certificate };
  }

  it('revokes by inserting a record, once; the certificate itself is unchanged', async () => {
    const { certificate } = await issued('陈思远');
    const before = await CertificateModel.findById(certificate._id).lean();
    await revokeCertificate({ number: certificate.number, reasonCategory: 'issued-in-error', note: '重复发放', revokedBy: registrar }, new Date('2026-10-05T02:00:00Z'));
    await expect(revokeCertificate({ number: certificate.number, reasonCategory: 'other', revokedBy: registrar })).rejects.toMatchObject({ reason: 'alreadyRevoked' });
    expect(await CertificateModel.findById(certificate._id).lean()).toEqual(before);
    expect(await certificateStatus(certificate)).toEqual({ state: 'revoked', at: new Date('2026-10-05T02:00:00Z'), reasonCategory: 'issued-in-error' });
    await expect(reissueCertificate(certificate.number, settings)).rejects.toMatchObject({ reason: 'revoked' });
  });

  it('re-issues with the current name as a new certificate that supersedes the old one, only once', async () => {
    const { teacher, certificate } = await issued('吴海涛');
    await UserModel.updateOne({ _id: teacher._id }, { displayName: '吴海滔' });
    const attempts = await Promise.allSettled(Array.from({ length: 3 }, () => reissueCertificate(certificate.number, settings)));
    const won = attempts.filter((a): a is PromiseFulfilledResult<Awaited<ReturnType<typeof reissueCertificate>>> => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of attempts.filter((a) => a.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(CertificateError);
    }
    const successor = won[0]!.value;
    expect(successor).toMatchObject({ supersedes: certificate.number, holder: { name: '吴海滔' }, hours: certificate.hours, completedAt: certificate.completedAt, ledgerEntryIds: certificate.ledgerEntryIds });
    expect(successor.number).not.toBe(certificate.number);
    expect(successor.verificationCode).not.toBe(certificate.verificationCode);
    expect(await certificateStatus(certificate)).toEqual({ state: 'superseded', by: successor.number });
    expect(await certificateStatus(successor)).toEqual({ state: 'valid' });
    const roster = await listCertificatesOfUsers([teacher._id, new Types.ObjectId()]);
    expect(roster.get(teacher._id.toHexString())!.map((c) => c.status.state).sort()).toEqual(['superseded', 'valid']);
    await expect(reissueCertificate(certificate.number, settings)).rejects.toMatchObject({ reason: 'alreadySuperseded' });
  });
});

describe('programmes', () => {
  it('issues the programme certificate when the last module is certified: summed hours, last date, every ledger entry', async () => {
    await saveProgramme(
      { programmeId: 'test-programme', title: { 'zh-CN': '测试项目', en: 'Test programme' }, category: 'homeroom-new', moduleIds: ['cert-a', 'cert-b'] },
      'trainer',
    );
    const off = registerCertificateListener(settings);
    try {
      const teacher = await person('孙老师');
      await completeModule(teacher._id, 'cert-a', new Date('2026-11-01T01:00:00Z'));
      expect((await listCertificatesOfUser(teacher._id)).map((c) => c.kind)).toEqual(['module']);
      const last = await completeModule(teacher._id, 'cert-b', new Date('2026-11-02T01:00:00Z'));
      const certificates = await listCertificatesOfUser(teacher._id);
      const programme = certificates.find((c) => c.kind === 'programme')!;
      const modules = certificates.filter((c) => c.kind === 'module');
      expect(programme).toMatchObject({ programmeId: 'test-programme', hours: 5, completedAt: last.completedAt, title: { 'zh-CN': '测试项目' } });
      expect([...programme.ledgerEntryIds].sort()).toEqual(modules.flatMap((c) => c.ledgerEntryIds).sort());
      expect(programme.activityStartedAt).toEqual(new Date('2026-11-01T01:00:00Z'));
    } finally {
      off();
    }
  });

  it('does not count a revoked module certificate, and a catch-up issues what listeners missed, once', async () => {
    const teacher = await person('钱老师');
    const a = await quietly(teacher._id, 'cert-a', new Date('2026-11-05T01:00:00Z'));
    await quietly(teacher._id, 'cert-b', new Date('2026-11-06T01:00:00Z'));
    const first = (await issueForCompletion(a, settings))!.certificate;
    await revokeCertificate({ number: first.number, reasonCategory: 'misconduct', revokedBy: registrar });
    const report = await catchUpCertificates(settings, () => undefined);
    expect(report.issued).toBeGreaterThanOrEqual(1);
    expect((await listCertificatesOfUser(teacher._id)).map((c) => c.kind).sort()).toEqual(['module', 'module']);
    const again = await catchUpCertificates(settings, () => undefined);
    expect(again.issued).toBe(0);
    expect(again.programmes).toBe(0);
  });

  it('seeds the new-homeroom programme from the homeroom-new modules once, keeping a trainer’s changes', async () => {
    expect(await seedDefaultProgrammes()).toBe(true);
    const seeded = await findProgramme(NEW_HOMEROOM_PROGRAMME_ID);
    expect(seeded!.moduleIds.sort()).toEqual(['cert-a', 'cert-b']);
    await saveProgramme({ ...seeded!, moduleIds: ['cert-a'] }, 'trainer');
    expect(await seedDefaultProgrammes()).toBe(false);
    expect((await findProgramme(NEW_HOMEROOM_PROGRAMME_ID))!.moduleIds).toEqual(['cert-a']);
  });

  it('refuses a programme naming an unpublished module', async () => {
    await expect(
      saveProgramme({ programmeId: 'broken', title: { 'zh-CN': '坏', en: 'Broken' }, category: 'other', moduleIds: ['no-such-module'] }, 'trainer'),
    ).rejects.toMatchObject({ reason: 'invalidProgramme' });
  });
});
