import type { Types } from 'mongoose';
import { appendEntry, calendarYearInChina, LedgerEntryModel } from '..';
import { UserModel, type User } from '../../users';
import { ActivityDecisionModel, NO_ID, OfflineActivityModel, type ActivityDecision, type OfflineActivity } from './store';

/** The credit rule named on every entry an approved offline activity appends. */
export const OFFLINE_CREDIT_RULE = 'offline-activity-approved';

/** The idempotency key of one teacher's entry for one activity. */
export const activityEntryKey = (activityId: string, teacherId: Types.ObjectId) => `activity:${activityId}:${teacherId.toHexString()}`;

/** Appends to different teachers' chains run side by side; the same teacher's never race here. */
const PARALLEL_TEACHERS = 8;

/** Runs `work` for every item, at most `limit` at a time. */
export async function eachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export interface CreditReport {
  /** Teachers the activity credits (or, for a partial re-run, the ones asked about). */
  teachers: number;
  /** Entries appended by this call; the rest already existed. */
  appended: number;
  /** Teachers whose entry could not be appended (e.g. the user no longer exists). */
  failed: { teacherId: string; message: string }[];
}

/** A teacher's name and school as the entry records them. */
export type TeacherSnapshot = Pick<User, '_id' | 'displayName' | 'schoolCode'>;

/** Few teachers: one `_id` look-up each (answered by the database); many: one `$in` query. */
const FEW = 20;

async function loadSnapshots(teachers: readonly Types.ObjectId[]): Promise<Map<string, TeacherSnapshot>> {
  const users = new Map<string, TeacherSnapshot>();
  const fields = { displayName: 1, schoolCode: 1 } as const;
  if (teachers.length <= FEW) {
    for (const id of teachers) {
      const user = await UserModel.findOne({ _id: id }, fields).lean<TeacherSnapshot>();
      if (user) users.set(user._id.toHexString(), user);
    }
    return users;
  }
  for (let at = 0; at < teachers.length; at += 1000) {
    for (const user of await UserModel.find({ _id: { $in: teachers.slice(at, at + 1000) } }, fields).lean<TeacherSnapshot[]>()) {
      users.set(user._id.toHexString(), user);
    }
  }
  return users;
}

/**
 * Appends the ledger entry of each teacher of an approved activity that does not have one yet:
 * key `activity:<activityId>:<teacherId>`, source `{ kind: 'offline', activityId }`, credit rule
 * `offline-activity-approved`, recorded by the approver, the teacher's name and school as the
 * user record says now (or as `snapshots`, read from it a moment ago, say). The training mode
 * goes on the entry only for the `school-based` category (the ledger's rule). Idempotent and
 * safe to run concurrently. `teachers` narrows it to some of the activity's teachers.
 */
export async function creditActivity(
  activity: OfflineActivity,
  decision: ActivityDecision,
  options: { teachers?: readonly Types.ObjectId[]; snapshots?: ReadonlyMap<string, TeacherSnapshot> } = {},
): Promise<CreditReport> {
  if (decision.decision !== 'approved' || decision.activityId !== activity.activityId) {
    throw new Error(`activity ${activity.activityId} is credited only with its own approval`);
  }
  const teachers = options.teachers ?? activity.teacherIds;
  const report: CreditReport = { teachers: teachers.length, appended: 0, failed: [] };
  const users = options.snapshots ?? (await loadSnapshots(teachers));
  await eachLimit(teachers, PARALLEL_TEACHERS, async (teacherId) => {
    const user = users.get(teacherId.toHexString());
    if (!user) {
      report.failed.push({ teacherId: teacherId.toHexString(), message: `no user ${teacherId.toHexString()}: the teacher's name and school cannot be recorded` });
      return;
    }
    try {
      const result = await appendEntry({
        teacher: { id: teacherId, displayName: user.displayName, schoolCode: user.schoolCode },
        source: { kind: 'offline', activityId: activity.activityId },
        category: activity.category,
        ...(activity.category === 'school-based' ? { trainingMode: activity.trainingMode } : {}),
        hours: activity.hours,
        trainingYear: calendarYearInChina(activity.occurredAt),
        occurredAt: activity.occurredAt,
        creditRule: OFFLINE_CREDIT_RULE,
        recordedBy: { kind: 'user', id: decision.by.id, name: decision.by.name },
        idempotencyKey: activityEntryKey(activity.activityId, teacherId),
      });
      if (result.created) report.appended += 1;
    } catch (error) {
      report.failed.push({ teacherId: teacherId.toHexString(), message: (error as Error).message });
    }
  });
  return report;
}

const KEYS_PER_QUERY = 1000;

/**
 * Which of these idempotency keys already have a ledger entry. One query per 1000 keys: on
 * FerretDB v1 each query reads the whole ledger, so never ask key by key.
 */
export async function existingEntryKeys(keys: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (let at = 0; at < keys.length; at += KEYS_PER_QUERY) {
    const found = await LedgerEntryModel.find({ idempotencyKey: { $in: keys.slice(at, at + KEYS_PER_QUERY) } }, { _id: 0, idempotencyKey: 1 }).lean<{ idempotencyKey: string }[]>();
    for (const entry of found) present.add(entry.idempotencyKey);
  }
  return present;
}

export interface ApplyReport {
  /** Approved activities looked at. */
  activities: number;
  /** Entries they should have (one per teacher). */
  entries: number;
  /** Entries that were missing and were appended now. */
  appended: number;
  failed: number;
}

const BATCH = 200;

/**
 * Appends every missing entry of every approved activity: those a crash between the decision
 * and the entries left out, or a failure (a teacher record missing for a while). Run after
 * approving and at start-up; safe at any time and concurrently with approvals, since every entry
 * is keyed. Streams the approvals in batches, asks the ledger which of a batch's keys exist in
 * a few queries, and appends only the missing ones.
 */
export async function applyApprovedActivities(options: { log?: (line: string) => void } = {}): Promise<ApplyReport> {
  const log = options.log ?? (() => undefined);
  const report: ApplyReport = { activities: 0, entries: 0, appended: 0, failed: 0 };
  const cursor = ActivityDecisionModel.find({ decision: 'approved' }, NO_ID).sort({ at: 1, activityId: 1 }).lean<ActivityDecision>().cursor({ batchSize: BATCH });

  let batch: ActivityDecision[] = [];
  const flush = async () => {
    const activities = await OfflineActivityModel.find({ _id: { $in: batch.map((d) => d.activityId) } }, NO_ID).lean<OfflineActivity[]>();
    const byId = new Map(activities.map((activity) => [activity.activityId, activity]));
    const present = await existingEntryKeys(activities.flatMap((activity) => activity.teacherIds.map((id) => activityEntryKey(activity.activityId, id))));
    for (const decision of batch) {
      const activity = byId.get(decision.activityId);
      if (!activity) {
        report.failed += 1;
        log(`offline activities: approval of ${decision.activityId} names no activity`);
        continue;
      }
      report.activities += 1;
      report.entries += activity.teacherIds.length;
      const missing = activity.teacherIds.filter((id) => !present.has(activityEntryKey(activity.activityId, id)));
      if (missing.length === 0) continue;
      const credit = await creditActivity(activity, decision, { teachers: missing });
      report.appended += credit.appended;
      report.failed += credit.failed.length;
      for (const failure of credit.failed) log(`offline activities: could not credit ${decision.activityId} to ${failure.teacherId}: ${failure.message}`);
    }
    batch = [];
  };
  for await (const decision of cursor as AsyncIterable<ActivityDecision>) {
    batch.push(decision);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  log(`offline activities: ${report.activities} approved activities checked, ${report.appended} entries appended now${report.failed ? `, ${report.failed} failed` : ''}`);
  return report;
}
