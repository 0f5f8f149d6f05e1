import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { canonicalJson, computeEntryHash, GENESIS_HASH } from '../../src/ledger';

const entry = {
  entryId: 'e-1',
  teacher: new Types.ObjectId('650000000000000000000001'),
  teacherSnapshot: { displayName: '王老师', schoolCode: 'S001' },
  source: { kind: 'module', moduleId: 'safety-fire', moduleVersion: 2, attemptId: 'a-1', completionId: '650000000000000000000002' },
  category: 'safety',
  hours: 1.25,
  trainingYear: 2026,
  occurredAt: new Date('2026-03-01T02:00:00Z'),
  assessment: { passed: true, scorePercent: 87.5 },
  creditRule: 'module-completion-passed',
  recordedBy: { kind: 'system', name: 'completion-listener' },
  recordedAt: new Date('2026-03-01T02:00:01.5Z'),
  idempotencyKey: 'completion:650000000000000000000002',
  sequence: 1,
  prevHash: GENESIS_HASH,
};

describe('the canonical form behind the hash chain', () => {
  const expected =
    '{"entryId":"e-1","teacher":"650000000000000000000001","teacherSnapshot":{"displayName":"王老师","schoolCode":"S001"},' +
    '"source":{"kind":"module","moduleId":"safety-fire","moduleVersion":2,"attemptId":"a-1","completionId":"650000000000000000000002"},' +
    '"category":"safety","hours":1.25,"trainingYear":2026,"occurredAt":"2026-03-01T02:00:00.000Z",' +
    '"assessment":{"passed":true,"scorePercent":87.5},"creditRule":"module-completion-passed",' +
    '"recordedBy":{"kind":"system","name":"completion-listener"},"recordedAt":"2026-03-01T02:00:01.500Z",' +
    '"idempotencyKey":"completion:650000000000000000000002","sequence":1}';

  it('is JSON in a fixed key order, dates as ISO strings, without prevHash, hash or _id', () => {
    expect(canonicalJson(entry)).toBe(expected);
    const shuffled = Object.fromEntries(Object.entries({ ...entry, _id: new Types.ObjectId(), hash: 'x' }).reverse());
    expect(canonicalJson(shuffled)).toBe(expected);
  });

  it('hashes the canonical JSON followed by the previous hash', () => {
    const sha = createHash('sha256').update(expected + GENESIS_HASH).digest('hex');
    expect(computeEntryHash(entry, GENESIS_HASH)).toBe(sha);
    expect(computeEntryHash(entry, 'f'.repeat(64))).not.toBe(sha);
  });

  it('leaves out absent and null fields, and keeps fields it does not know', () => {
    expect(canonicalJson({ ...entry, trainingMode: undefined, reason: null })).toBe(expected);
    expect(canonicalJson({ ...entry, note: 'added' })).toBe(`${expected.slice(0, -1)},"note":"added"}`);
    expect(canonicalJson({ ...entry, source: { ...entry.source, extra: 1 } })).toContain('"completionId":"650000000000000000000002","extra":1}');
  });
});
