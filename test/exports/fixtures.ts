import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { appendEntry, reverseEntry, type AppendInput, type LedgerEntry } from '../../src/ledger';
import { setTeacherFacts, upsertUserFromIdentity, type HomeroomTier, type User } from '../../src/users';

export const registrar = { kind: 'user' as const, id: 'registrar-1', name: '李主任' };

export async function teacher(name: string, schoolCode: string, facts: { homeroomTier?: HomeroomTier; postStartDate?: Date } = {}): Promise<User> {
  const user = await upsertUserFromIdentity({ provider: 'dev', subject: `t-${randomUUID()}`, displayName: name, schoolCode, roles: ['learner'] });
  if (facts.homeroomTier || facts.postStartDate) await setTeacherFacts(user._id, facts);
  return { ...user, ...facts };
}

export async function credit(
  user: User,
  values: { category: AppendInput['category']; hours: number; year?: number; occurredAt?: string; trainingMode?: AppendInput['trainingMode']; activityId?: string },
): Promise<LedgerEntry> {
  const year = values.year ?? 2026;
  const { entry } = await appendEntry({
    teacher: { id: user._id as Types.ObjectId, displayName: user.displayName, schoolCode: user.schoolCode },
    source: { kind: 'offline', activityId: values.activityId ?? `activity-${randomUUID().slice(0, 8)}` },
    category: values.category,
    ...(values.trainingMode ? { trainingMode: values.trainingMode } : values.category === 'school-based' ? { trainingMode: 'thematic-lecture' as const } : {}),
    hours: values.hours,
    trainingYear: year,
    occurredAt: new Date(values.occurredAt ?? `${year}-03-10T02:00:00Z`),
    creditRule: 'registrar-offline',
    recordedBy: registrar,
    recordedAt: new Date(`${year}-03-10T03:00:00Z`),
    idempotencyKey: `offline:${randomUUID()}`,
  });
  return entry;
}

export async function moduleCredit(user: User, category: AppendInput['category'], hours: number, scorePercent: number): Promise<LedgerEntry> {
  const completionId = randomUUID();
  const { entry } = await appendEntry({
    teacher: { id: user._id as Types.ObjectId, displayName: user.displayName, schoolCode: user.schoolCode },
    source: { kind: 'module', moduleId: 'homeroom-inservice-communication', moduleVersion: 2, attemptId: randomUUID(), completionId },
    category,
    hours,
    trainingYear: 2026,
    occurredAt: new Date('2026-05-20T16:30:00Z'), // 00:30 on 21 May in Beijing
    assessment: { passed: true, scorePercent },
    creditRule: 'module-completion-passed',
    recordedBy: { kind: 'system', name: 'Shixun' },
    recordedAt: new Date('2026-05-20T16:30:05Z'),
    idempotencyKey: `completion:${completionId}`,
  });
  return entry;
}

export async function reverse(entry: LedgerEntry, reason = '重复登记'): Promise<LedgerEntry> {
  return (await reverseEntry({ entryId: entry.entryId, reason, actor: registrar, recordedAt: new Date('2026-04-01T01:00:00Z') })).entry;
}

/**
 * A small district: formula-like names, Chinese text, a reversal, another year and three schools.
 * - S001: `=HYPERLINK("x")` (in-service, 20 h in-service → met), `+1` (in-service, 12 h → short by 8)
 * - S002: `@cmd` (school-based 3 h, safety 2 h reversed, ethics 4 h in 2025)
 * - S003: 张老师 (new homeroom, 30 h pre-service, a module credit with a score)
 */
export async function seedDistrict() {
  const met = await teacher('=HYPERLINK("x")', 'S001', { homeroomTier: 'inservice' });
  const short = await teacher('+1', 'S001', { homeroomTier: 'inservice' });
  const at = await teacher('@cmd', 'S002');
  const zhang = await teacher('张老师', 'S003', { homeroomTier: 'new', postStartDate: new Date('2026-09-01T00:00:00Z') });

  const metEntries = [await credit(met, { category: 'homeroom-inservice', hours: 12 }), await credit(met, { category: 'homeroom-inservice', hours: 8 })];
  const shortEntries = [await credit(short, { category: 'homeroom-inservice', hours: 12, activityId: '=cmd|calc' })];
  const schoolBased = await credit(at, { category: 'school-based', hours: 3, trainingMode: 'salon' });
  const safety = await credit(at, { category: 'safety', hours: 2 });
  const reversal = await reverse(safety, '重复登记，已冲销');
  const lastYear = await credit(at, { category: 'ethics-integrity', hours: 4, year: 2025 });
  const zhangEntries = [await credit(zhang, { category: 'homeroom-new', hours: 26 }), await moduleCredit(zhang, 'homeroom-new', 4, 92.5)];
  return { met, short, at, zhang, metEntries, shortEntries, schoolBased, safety, reversal, lastYear, zhangEntries };
}
