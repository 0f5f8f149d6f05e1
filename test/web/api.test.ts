import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { ApiTokenModel, createApiToken, revokeApiToken } from '../../src/api';
import { appendEntry } from '../../src/ledger';
import { setTeacherFacts, upsertUserFromIdentity, type User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { testApp } from '../support/web';

useTestDatabase();

const person = (name: string, roles: User['roles'], school?: string, scope?: string[]) =>
  upsertUserFromIdentity({ provider: 'api-test', subject: name, displayName: name, schoolCode: school, roles, scopeSchoolCodes: scope });

describe('REST API v1', () => {
  let app: ReturnType<typeof testApp>;
  let teacher: User;
  let foreignTeacher: User;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    app = testApp();
    teacher = await person('吴老师', ['learner'], 'api-east');
    foreignTeacher = await person('郑老师', ['learner'], 'api-west');
    await setTeacherFacts(teacher._id, { homeroomTier: 'inservice' });
    await appendEntry({
      teacher: { id: teacher._id, displayName: teacher.displayName, schoolCode: 'api-east' },
      source: { kind: 'offline', activityId: 'api-1' },
      category: 'homeroom-inservice',
      hours: 6,
      trainingYear: 2026,
      occurredAt: new Date(),
      creditRule: 'offline-activity-approved',
      recordedBy: { kind: 'system', name: 'test' },
      idempotencyKey: 'api-1',
    });
    tokens.registrar = (await createApiToken((await person('东区管理员', ['registrar'], 'api-east', ['api-east']))._id, 'district')).token;
    tokens.admin = (await createApiToken((await person('管理员', ['admin']))._id, 'admin')).token;
    tokens.learner = (await createApiToken(teacher._id, 'wrong')).token;
  });

  const get = (url: string, token?: string) => {
    const call = request(app).get(`/api/v1${url}`);
    return token ? call.set('Authorization', `Bearer ${token}`) : call;
  };

  it('refuses requests without a valid token', async () => {
    await get('/teachers').expect(401, { error: 'invalid_token' });
    await get('/teachers', 'sxn_nope').expect(401);
    await get('/teachers', `${tokens.admin!.slice(0, -1)}x`).expect(401);
    await get('/teachers', tokens.learner).expect(403, { error: 'forbidden' });
  });

  it('gives a registrar their schools only', async () => {
    const list = await get('/teachers', tokens.registrar).expect(200);
    expect(list.body.teachers).toEqual([{ id: teacher._id.toString(), name: '吴老师', school: 'api-east', homeroomTier: 'inservice' }]);
    await get(`/teachers/${foreignTeacher._id.toString()}/ledger`, tokens.registrar).expect(404);
    expect((await get('/teachers?school=api-west', tokens.registrar).expect(200)).body.teachers).toEqual([]);
    expect((await get('/teachers', tokens.admin).expect(200)).body.teachers).toHaveLength(2);
  });

  it('returns a ledger and requirement statuses', async () => {
    const ledger = await get(`/teachers/${teacher._id.toString()}/ledger`, tokens.registrar).expect(200);
    expect(ledger.body.entries).toEqual([expect.objectContaining({ sequence: 1, hours: 6, runningHours: 6, category: 'homeroom-inservice', hash: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
    const requirements = await get(`/teachers/${teacher._id.toString()}/requirements`, tokens.registrar).expect(200);
    expect(requirements.body.requirements).toEqual(
      expect.arrayContaining([expect.objectContaining({ requirement: 'homeroom-inservice-annual', met: false, earnedHours: 6, shortBy: 14 })]),
    );
    const compliance = await get('/compliance?status=short', tokens.registrar).expect(200);
    expect(compliance.body.teachers.map((t: { name: string }) => t.name)).toEqual(['吴老师']);
    await get('/compliance?year=soon', tokens.registrar).expect(400, { error: 'invalid_query' });
    await get('/teachers/not-an-id/ledger', tokens.registrar).expect(404);
  });

  it('keeps only a hash of each token', async () => {
    const stored = JSON.stringify(await ApiTokenModel.find({}).lean());
    for (const token of Object.values(tokens)) {
      const secret = /^sxn_[A-Za-z0-9]{12}_(.{43})$/.exec(token)![1]!;
      expect(stored).not.toContain(secret);
    }
  });

  it('stops accepting a revoked token', async () => {
    const { token, record } = await createApiToken((await person('临时', ['admin']))._id, 'temporary');
    await get('/teachers', token).expect(200);
    expect(await revokeApiToken(record.tokenId)).toBe(true);
    await get('/teachers', token).expect(401);
  });

  it('is described by an OpenAPI file that lists every route', () => {
    const spec = parse(readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'openapi.yaml'), 'utf8'));
    expect(Object.keys(spec.paths).sort()).toEqual(['/compliance', '/teachers', '/teachers/{teacherId}/ledger', '/teachers/{teacherId}/requirements']);
  });
});
