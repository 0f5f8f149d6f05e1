import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Types } from 'mongoose';
import {
  buildOpenBadgeCredential,
  buildStatusListCredential,
  CredentialStatusEntryModel,
  encodeStatusList,
  isStatusSet,
  STATUS_LIST_BITS,
  statusEntryFor,
} from '../../src/certificates/credentials';
import { useTestDatabase } from '../support/database';
import { TEST_BASE_URL } from '../support/web';
import { certificateSnapshot } from './credentials-fixtures';

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const status = { statusList: 3, statusListIndex: 4242, subjectId: 'urn:uuid:0b0e3c1e-8f4a-4c53-9f55-2b6f8f9e1a11', salt: '5f2b8c0d9e1a4b3c' };

describe('OpenBadgeCredential shape', () => {
  const certificate = certificateSnapshot();
  const credential = buildOpenBadgeCredential(certificate, { baseUrl: TEST_BASE_URL, status });

  it('is a VC 2.0 OpenBadgeCredential with the OB 3.0 context, an issuer profile and an id under the tool', () => {
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.id).toBe(`${TEST_BASE_URL}/credentials/${certificate.verificationCode}`);
    expect(credential.issuer).toEqual({ id: `${TEST_BASE_URL}/credentials/issuer`, type: ['Profile'], name: '师训教师培训中心', url: TEST_BASE_URL });
    expect(credential.name).toBe('新任班主任的角色与职责');
    expect(credential.description).toContain(certificate.number);
  });

  it('carries the achievement with its criteria, and the hours as creditsAvailable and creditsEarned', () => {
    const subject = credential.credentialSubject;
    expect(subject.type).toEqual(['AchievementSubject']);
    expect(subject.achievement).toMatchObject({
      type: ['Achievement'],
      achievementType: 'CertificateOfCompletion',
      name: '新任班主任的角色与职责',
      creditsAvailable: 6,
      humanCode: 'homeroom-new-role-and-duties',
      tag: ['新任班主任'],
      inLanguage: 'zh-CN',
    });
    expect(subject.achievement.id).toBe(`${TEST_BASE_URL}/credentials/achievements/module/homeroom-new-role-and-duties/v2`);
    expect(subject.achievement.criteria.narrative).toContain('《新任班主任的角色与职责》');
    expect(subject.achievement.description).toMatch(/6 学时/);
    expect(subject.creditsEarned).toBe(6);
  });

  it('writes every date as ISO 8601 to the second, so the JWT nbf can equal validFrom', () => {
    expect(credential.validFrom).toBe('2026-06-30T02:15:31Z');
    expect(credential.credentialSubject.activityStartDate).toBe('2026-06-20T01:02:03Z');
    expect(credential.credentialSubject.activityEndDate).toBe('2026-06-30T02:15:30Z');
    for (const date of [credential.validFrom, credential.credentialSubject.activityStartDate, credential.credentialSubject.activityEndDate]) expect(date).toMatch(ISO_SECONDS);
  });

  it('names the holder only by an opaque id and a salted hash of the name', () => {
    expect(credential.credentialSubject.id).toBe(status.subjectId);
    const expectedHash = `sha256$${createHash('sha256').update(`王丽华${status.salt}`, 'utf8').digest('hex')}`;
    expect(credential.credentialSubject.identifier).toEqual([{ type: 'IdentityObject', identityType: 'name', hashed: true, identityHash: expectedHash, salt: status.salt }]);
    const text = JSON.stringify(credential);
    for (const personal of ['王丽华', '新华路小学', 'XHL', certificate.holder.userId.toHexString()]) expect(text).not.toContain(personal);
  });

  it('points at its bit in a revocation status list', () => {
    expect(credential.credentialStatus).toEqual({
      id: `${TEST_BASE_URL}/credentials/status/3#4242`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '4242',
      statusListCredential: `${TEST_BASE_URL}/credentials/status/3`,
    });
    expect(credential.credentialSchema).toEqual([{ id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json', type: '1EdTechJsonSchemaValidator2019' }]);
  });

  it('describes a programme by its programme, and can be written in English', () => {
    const programme = certificateSnapshot({ kind: 'programme', moduleId: undefined, moduleVersion: undefined, programmeId: 'homeroom-new-30h', hours: 30, activityStartedAt: undefined });
    const english = buildOpenBadgeCredential(programme, { baseUrl: TEST_BASE_URL, status, language: 'en' });
    expect(english.credentialSubject.achievement.id).toBe(`${TEST_BASE_URL}/credentials/achievements/programme/homeroom-new-30h`);
    expect(english.credentialSubject.achievement.criteria.narrative).toMatch(/^Completed every module of the programme/);
    expect(english.credentialSubject.achievement.creditsAvailable).toBe(30);
    expect(english.credentialSubject).not.toHaveProperty('activityStartDate');
  });

  it('is the same credential every time for the same certificate', () => {
    expect(buildOpenBadgeCredential(certificate, { baseUrl: TEST_BASE_URL, status })).toEqual(credential);
  });
});

describe('bitstring status list', () => {
  it('sets the left-most bit first, GZIPs and multibase-encodes a list of at least 131,072 bits', () => {
    const encoded = encodeStatusList([0, 9, STATUS_LIST_BITS - 1]);
    expect(encoded[0]).toBe('u');
    const bytes = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    expect(bytes.length * 8).toBe(131_072);
    expect(bytes[0]).toBe(0b1000_0000);
    expect(bytes[1]).toBe(0b0100_0000);
    expect(bytes[bytes.length - 1]).toBe(0b0000_0001);
    expect(bytes.filter((byte) => byte !== 0)).toHaveLength(3);
    expect([0, 1, 9, 10, STATUS_LIST_BITS - 1].map((index) => isStatusSet(encoded, index))).toEqual([true, false, true, false, true]);
  });

  it('refuses an index outside the list', () => {
    expect(() => encodeStatusList([STATUS_LIST_BITS])).toThrow(RangeError);
    expect(() => encodeStatusList([-1])).toThrow(RangeError);
  });

  it('is a BitstringStatusListCredential of the same issuer as the credentials', () => {
    const list = buildStatusListCredential({ baseUrl: TEST_BASE_URL, statusList: 2, revokedIndexes: [5], now: new Date('2026-11-01T00:00:00.900Z') });
    expect(list).toMatchObject({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `${TEST_BASE_URL}/credentials/status/2`,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: `${TEST_BASE_URL}/credentials/issuer`,
      validFrom: '2026-11-01T00:00:00Z',
      credentialSubject: { id: `${TEST_BASE_URL}/credentials/status/2#list`, type: 'BitstringStatusList', statusPurpose: 'revocation' },
    });
    expect(isStatusSet(list.credentialSubject.encodedList, 5)).toBe(true);
    expect(isStatusSet(list.credentialSubject.encodedList, 4)).toBe(false);
  });
});

describe('status list allocation', () => {
  useTestDatabase();

  beforeEach(async () => {
    await CredentialStatusEntryModel.deleteMany({});
  });

  it('allocates one entry per certificate even when asked concurrently', async () => {
    const certificateId = new Types.ObjectId();
    const entries = await Promise.all([1, 2, 3, 4, 5, 6].map(() => statusEntryFor(certificateId)));
    expect(new Set(entries.map((entry) => `${entry.statusList}:${entry.statusListIndex}:${entry.subjectId}:${entry.salt}`)).size).toBe(1);
    expect(await CredentialStatusEntryModel.countDocuments({ certificateId })).toBe(1);
    expect(entries[0]).toMatchObject({ statusList: 1, subjectId: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) });
    expect(entries[0]!.statusListIndex).toBeGreaterThanOrEqual(0);
    expect(entries[0]!.statusListIndex).toBeLessThan(STATUS_LIST_BITS);
  });

  it('draws again when the bit is taken, and gives each certificate its own subject id and salt', async () => {
    const draws = [77, 77, 78];
    const drawIndex = () => draws.shift()!;
    const first = await statusEntryFor(new Types.ObjectId(), { drawIndex });
    const second = await statusEntryFor(new Types.ObjectId(), { drawIndex });
    expect([first.statusListIndex, second.statusListIndex]).toEqual([77, 78]);
    expect(draws).toEqual([]);
    expect(second.subjectId).not.toBe(first.subjectId);
    expect(second.salt).not.toBe(first.salt);
  });

  it('returns the stored entry on later calls', async () => {
    const certificateId = new Types.ObjectId();
    const first = await statusEntryFor(certificateId);
    const again = await statusEntryFor(certificateId, { drawIndex: () => 1 });
    expect(again).toMatchObject({ statusList: first.statusList, statusListIndex: first.statusListIndex, subjectId: first.subjectId, salt: first.salt });
  });
});
