import { randomUUID } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import { CATEGORIES, type Category } from '../../src/courses';
import { computeEntryHash, GENESIS_HASH, TRAINING_MODES } from '../../src/ledger';

/**
 * Seeds a throw-away database with `teachers` learners (100 per school) and `entriesPerTeacher`
 * ledger entries each, through the raw driver in batches. Every entry is a valid ledger entry:
 * its own `entryId` and idempotency key, `sequence` 1…M, `prevHash` the previous entry's `hash`
 * and `hash` from `computeEntryHash`, so `verifyLedger` finds the chains intact. Every fifth
 * teacher's last entry is a reversal of their first.
 */
export interface SeedOptions {
  teachers: number;
  entriesPerTeacher: number;
  trainingYear: number;
  teachersPerSchool?: number;
  batchSize?: number;
  log?: (line: string) => void;
}

const TIERS = [undefined, 'new', 'inservice', 'backbone'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];

export function schoolCodeOf(index: number, perSchool = 100): string {
  return `S${String(Math.floor(index / perSchool) + 1).padStart(5, '0')}`;
}

function entriesFor(teacher: ObjectId, index: number, options: SeedOptions): Record<string, unknown>[] {
  const snapshot = { displayName: `${SURNAMES[index % SURNAMES.length]}老师${index}`, schoolCode: schoolCodeOf(index, options.teachersPerSchool) };
  const entries: Record<string, unknown>[] = [];
  let prevHash = GENESIS_HASH;
  const year = options.trainingYear;
  for (let sequence = 1; sequence <= options.entriesPerTeacher; sequence += 1) {
    const first = entries[0];
    const reversal = sequence === options.entriesPerTeacher && sequence > 1 && index % 5 === 0 && first !== undefined;
    const category = CATEGORIES[(index + sequence) % CATEGORIES.length] as Category;
    // Spread over the year, at 10:00 in Beijing.
    const occurredAt = new Date(Date.UTC(year, (sequence * 7 + index) % 12, 1 + ((index + sequence) % 27), 2));
    const recordedAt = new Date(occurredAt.getTime() + 3600_000);
    let content: Record<string, unknown>;
    if (reversal) {
      content = {
        entryId: randomUUID(),
        teacher,
        teacherSnapshot: snapshot,
        source: { kind: 'reversal' },
        category: first.category,
        ...(first.trainingMode ? { trainingMode: first.trainingMode } : {}),
        hours: -(first.hours as number),
        trainingYear: first.trainingYear,
        occurredAt: first.occurredAt,
        creditRule: 'reversal',
        recordedBy: { kind: 'user', id: 'bench-registrar', name: '基准测试' },
        recordedAt,
        idempotencyKey: `reversal:${String(first.entryId)}`,
        reversalOf: first.entryId,
        reason: '重复登记 (duplicate)',
        sequence,
      };
    } else {
      const fromModule = sequence % 2 === 0 && category !== 'school-based' && category !== 'other';
      const completionId = new ObjectId().toHexString();
      content = {
        entryId: randomUUID(),
        teacher,
        teacherSnapshot: snapshot,
        source: fromModule
          ? { kind: 'module', moduleId: `${category}-module`, moduleVersion: 1, attemptId: new ObjectId().toHexString(), completionId }
          : { kind: 'offline', activityId: `activity-${year}-${sequence}` },
        category,
        ...(category === 'school-based' ? { trainingMode: TRAINING_MODES[(index + sequence) % TRAINING_MODES.length] } : {}),
        hours: 1 + ((index + sequence) % 8) * 0.5,
        trainingYear: year,
        occurredAt,
        ...(fromModule ? { assessment: { passed: true, scorePercent: 60 + ((index * 7 + sequence) % 41) } } : {}),
        creditRule: fromModule ? 'module-completion-passed' : 'registrar-offline',
        recordedBy: fromModule ? { kind: 'system', name: 'Shixun' } : { kind: 'user', id: 'bench-registrar', name: '基准测试' },
        recordedAt,
        idempotencyKey: fromModule ? `completion:${completionId}` : `bench:${index}:${sequence}`,
        sequence,
      };
    }
    const hash = computeEntryHash(content, prevHash);
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

export async function seedLedger(db: Db, options: SeedOptions): Promise<{ users: number; entries: number }> {
  const batchSize = options.batchSize ?? 1000;
  const users = db.collection('users');
  const ledger = db.collection('ledger_entries');
  const now = new Date();
  let userBatch: Record<string, unknown>[] = [];
  let entryBatch: Record<string, unknown>[] = [];
  let entries = 0;
  let lastLog = Date.now();
  const flushUsers = async () => {
    if (userBatch.length) await users.insertMany(userBatch, { ordered: false });
    userBatch = [];
  };
  const flushEntries = async () => {
    if (entryBatch.length) await ledger.insertMany(entryBatch, { ordered: false });
    entries += entryBatch.length;
    entryBatch = [];
  };
  for (let index = 0; index < options.teachers; index += 1) {
    const _id = new ObjectId();
    const tier = TIERS[index % TIERS.length];
    userBatch.push({
      _id,
      provider: 'bench',
      subject: `teacher-${index}`,
      displayName: `${SURNAMES[index % SURNAMES.length]}老师${index}`,
      schoolCode: schoolCodeOf(index, options.teachersPerSchool),
      roles: ['learner'],
      ...(tier ? { homeroomTier: tier } : {}),
      ...(tier === 'new' ? { postStartDate: new Date(Date.UTC(options.trainingYear, 8, 1)) } : {}),
      createdAt: now,
      lastSeenAt: now,
    });
    entryBatch.push(...entriesFor(_id, index, options));
    if (userBatch.length >= batchSize) await flushUsers();
    if (entryBatch.length >= batchSize) await flushEntries();
    if (options.log && Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      options.log(`seeding: ${index + 1}/${options.teachers} teachers, ${entries} entries`);
    }
  }
  await flushUsers();
  await flushEntries();
  return { users: options.teachers, entries };
}
