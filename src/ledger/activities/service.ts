import { createHash, randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { CATEGORIES, type Category } from '../../courses';
import { UserModel, type User } from '../../users';
import { MAX_REASON_LENGTH, TRAINING_MODES, type TrainingMode } from '..';
import { actorScope, inScope, isAdmin, personOf, type Actor } from './actor';
import { creditActivity, type CreditReport } from './apply';
import { ActivityConflictError, ActivityForbiddenError, ActivityInputError, ActivityNotFoundError, EvidenceNotFoundError } from './errors';
import { describeEvidence, MAX_EVIDENCE_FILES, storedEvidenceSchema, type StoredEvidence } from './evidence';
import { parseCategory, parseTrainingMode } from './names';
import {
  ActivityDecisionModel,
  NO_ID,
  OfflineActivityModel,
  type ActivityDecision,
  type Decision,
  type OfflineActivity,
} from './store';
import { dayProblem, hoursProblem, parseDay, parseHours, UNSAFE_LINE, UNSAFE_TEXT } from './values';

export const MAX_TITLE_LENGTH = 200;
export const MAX_NOTES_LENGTH = 2000;
export const MAX_TEACHERS = 1000;
const DUPLICATE_KEY = 11000;

export type ActivityStatus = 'pending' | Decision;

/** An activity as callers see it: its status is derived from its decision (none = pending). */
export interface ActivityView extends OfflineActivity {
  status: ActivityStatus;
  decision?: ActivityDecision;
}

export interface RecordActivityInput {
  title: string;
  /** A mode id (`research-project`) or its Chinese name (课题研究). */
  trainingMode: string;
  /** A ledger category id or its Chinese name; `school-based` when left out. */
  category?: string;
  /** More than 0, at most 200, at most 2 decimals; a numeric string is accepted too. */
  hours: number | string;
  /** A Date, or a day written YYYY-MM-DD (China time). Not after today. */
  occurredAt: Date | string;
  /** 1–1000 distinct teachers (user ids), each an existing learner in the actor's schools. */
  teacherIds: readonly (string | Types.ObjectId)[];
  /** Files from `storeEvidence`, at most 20. */
  evidence?: readonly StoredEvidence[];
  notes?: string;
}

export interface RecordOptions {
  now?: Date;
  /**
   * A key the client sends with a form (a hidden field made when the form was shown): the same
   * key from the same actor returns the activity the first submission created.
   */
  submissionKey?: string;
  /** When given, every evidence file must exist under `dataDir` with the metadata passed in. */
  dataDir?: string;
}

const isDuplicateKey = (error: unknown) => (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const codePoints = (text: string) => [...text].length;

type TeacherFacts = Pick<User, '_id' | 'displayName' | 'schoolCode' | 'roles'>;

/** The users behind these ids, by hex id (at most 1000 per query). */
export async function findTeachers(ids: readonly Types.ObjectId[]): Promise<Map<string, TeacherFacts>> {
  const found = new Map<string, TeacherFacts>();
  if (ids.length <= 20) {
    // One `_id` look-up each is answered by the database; a `$in` reads the whole collection on FerretDB v1.
    for (const user of await Promise.all(ids.map((id) => UserModel.findOne({ _id: id }, { displayName: 1, schoolCode: 1, roles: 1 }).lean<TeacherFacts>()))) {
      if (user) found.set(user._id.toHexString(), user);
    }
    return found;
  }
  for (let at = 0; at < ids.length; at += 1000) {
    const users = await UserModel.find({ _id: { $in: ids.slice(at, at + 1000) } }, { displayName: 1, schoolCode: 1, roles: 1 }).lean<TeacherFacts[]>();
    for (const user of users) found.set(user._id.toHexString(), user);
  }
  return found;
}

export const isLearner = (user: Pick<User, 'roles'>) => user.roles.includes('learner');

export interface CheckedActivity {
  title: string;
  trainingMode: TrainingMode;
  category: Category;
  hours: number;
  occurredAt: Date;
  notes?: string;
}

/** Checks the fields every activity has, whatever its path (form or import); pushes `field: message`. */
export function checkActivityFields(input: Record<string, unknown>, now: Date, problems: string[]): CheckedActivity | undefined {
  const start = problems.length;
  const title = typeof input.title === 'string' ? input.title.trim() : undefined;
  if (title === undefined || title === '') problems.push('title: must not be empty');
  else if (codePoints(title) > MAX_TITLE_LENGTH) problems.push(`title: must be at most ${MAX_TITLE_LENGTH} characters`);
  else if (UNSAFE_LINE.test(title)) problems.push('title: must not contain control characters or line breaks');

  const trainingMode = typeof input.trainingMode === 'string' ? parseTrainingMode(input.trainingMode) : undefined;
  if (!trainingMode) {
    problems.push(`trainingMode: must be one of the nine modes (${TRAINING_MODES.join(', ')}) or its Chinese name, not ${JSON.stringify(input.trainingMode ?? null)}`);
  }

  const category = input.category === undefined || input.category === '' ? 'school-based' : typeof input.category === 'string' ? parseCategory(input.category) : undefined;
  if (!category) problems.push(`category: must be one of ${CATEGORIES.join(', ')}, not ${JSON.stringify(input.category)}`);

  let hours: number | undefined;
  if (typeof input.hours === 'number') {
    const problem = hoursProblem(input.hours);
    if (problem) problems.push(`hours: ${problem}`);
    else hours = Math.round(input.hours * 100) / 100;
  } else if (typeof input.hours === 'string') {
    const parsed = parseHours(input.hours);
    if (parsed.ok) hours = parsed.value;
    else problems.push(`hours: ${parsed.problem}`);
  } else problems.push('hours: must be a number');

  let occurredAt: Date | undefined;
  if (input.occurredAt instanceof Date) occurredAt = input.occurredAt;
  else if (typeof input.occurredAt === 'string') {
    const parsed = parseDay(input.occurredAt);
    if (parsed.ok) occurredAt = parsed.value;
    else problems.push(`occurredAt: ${parsed.problem}`);
  } else problems.push('occurredAt: must be a date');
  if (occurredAt) {
    const problem = dayProblem(occurredAt, now);
    if (problem) problems.push(`occurredAt: ${problem}`);
  }

  let notes: string | undefined;
  if (input.notes !== undefined && input.notes !== null) {
    if (typeof input.notes !== 'string') problems.push('notes: must be text');
    else {
      notes = input.notes.trim() || undefined;
      if (notes && codePoints(notes) > MAX_NOTES_LENGTH) problems.push(`notes: must be at most ${MAX_NOTES_LENGTH} characters`);
      else if (notes && UNSAFE_TEXT.test(notes)) problems.push('notes: must not contain control characters');
    }
  }
  if (problems.length > start || !title || !trainingMode || !category || hours === undefined || !occurredAt) return undefined;
  return { title, trainingMode, category, hours, occurredAt, ...(notes ? { notes } : {}) };
}

/** The distinct teacher ids, with a problem for each malformed or repeated one. */
function checkTeacherIds(value: unknown, problems: string[]): Types.ObjectId[] {
  if (!Array.isArray(value)) {
    problems.push('teacherIds: must be a list of teacher ids');
    return [];
  }
  if (value.length === 0) problems.push('teacherIds: name at least one teacher');
  if (value.length > MAX_TEACHERS) problems.push(`teacherIds: at most ${MAX_TEACHERS} teachers per activity (${value.length} given)`);
  const ids: Types.ObjectId[] = [];
  const seen = new Map<string, number>();
  value.slice(0, MAX_TEACHERS).forEach((raw: unknown, index) => {
    const hex = raw instanceof Types.ObjectId ? raw.toHexString() : typeof raw === 'string' && /^[0-9a-f]{24}$/i.test(raw.trim()) ? raw.trim().toLowerCase() : undefined;
    if (!hex) {
      problems.push(`teacherIds[${index}]: ${JSON.stringify(String(raw)).slice(0, 40)} is not a user id (24 hex characters)`);
      return;
    }
    const first = seen.get(hex);
    if (first !== undefined) {
      problems.push(`teacherIds[${index}]: repeats teacherIds[${first}] (${hex})`);
      return;
    }
    seen.set(hex, index);
    ids.push(new Types.ObjectId(hex));
  });
  return ids;
}

async function checkEvidence(value: unknown, dataDir: string | undefined, problems: string[]): Promise<StoredEvidence[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push('evidence: must be a list of stored evidence files');
    return [];
  }
  if (value.length > MAX_EVIDENCE_FILES) problems.push(`evidence: at most ${MAX_EVIDENCE_FILES} files per activity (${value.length} given)`);
  const files: StoredEvidence[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of value.slice(0, MAX_EVIDENCE_FILES).entries()) {
    const parsed = storedEvidenceSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`evidence[${index}]: not a file stored by storeEvidence (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')})`);
      continue;
    }
    if (seen.has(parsed.data.fileId)) {
      problems.push(`evidence[${index}]: file ${parsed.data.fileId} is listed twice`);
      continue;
    }
    seen.add(parsed.data.fileId);
    if (dataDir !== undefined) {
      try {
        const stored = await describeEvidence(parsed.data.fileId, dataDir);
        if (stored.sha256 !== parsed.data.sha256 || stored.contentType !== parsed.data.contentType || stored.size !== parsed.data.size) {
          problems.push(`evidence[${index}]: does not match the stored file ${parsed.data.fileId}`);
          continue;
        }
        files.push(stored);
      } catch (error) {
        if (!(error instanceof EvidenceNotFoundError)) throw error;
        problems.push(`evidence[${index}]: no stored file ${parsed.data.fileId}`);
      }
    } else files.push(parsed.data);
  }
  return files;
}

/**
 * The id of a new activity: a random UUID, or, under a key, a UUID (version 8) derived from
 * sha256 of the key, so that creating the same keyed activity again names the same document.
 */
export function newActivityId(key?: string): string {
  if (key === undefined) return randomUUID();
  const bytes = createHash('sha256').update(key).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function toView(activity: OfflineActivity, decision: ActivityDecision | null | undefined): ActivityView {
  return decision ? { ...activity, status: decision.decision, decision } : { ...activity, status: 'pending' };
}

/**
 * Inserts an activity; for a keyed one (its id derived from the key), a duplicate returns the
 * activity that key already created (`created: false`).
 */
export async function insertActivity(activity: OfflineActivity): Promise<{ activity: OfflineActivity; created: boolean }> {
  try {
    await OfflineActivityModel.create({ _id: activity.activityId, ...activity });
    return { activity, created: true };
  } catch (error) {
    if (!isDuplicateKey(error) || activity.key === undefined) throw error;
    const existing = await findActivity(activity.activityId);
    if (!existing || existing.key !== activity.key) throw error;
    return { activity: existing, created: false };
  }
}

/** Looks up by `_id` (the one filter FerretDB v1 does not answer with a collection scan). */
async function findActivity(activityId: string): Promise<OfflineActivity | null> {
  return OfflineActivityModel.findOne({ _id: activityId }, NO_ID).lean<OfflineActivity>();
}

/**
 * Records an offline activity for one teacher or a list, pending approval; it credits nothing
 * until approved. Registrars may name only learners of their schools (`ActivityForbiddenError`
 * otherwise); every other problem is listed at once in an `ActivityInputError`.
 */
export async function recordActivity(input: RecordActivityInput, actor: Actor, options: RecordOptions = {}): Promise<ActivityView> {
  const scope = actorScope(actor);
  const now = options.now ?? new Date();
  if (!isRecord(input)) throw new ActivityInputError(['input: must be an object']);
  const problems: string[] = [];
  const fields = checkActivityFields(input as unknown as Record<string, unknown>, now, problems);
  const ids = checkTeacherIds(input.teacherIds, problems);
  const evidence = await checkEvidence(input.evidence, options.dataDir, problems);

  const users = await findTeachers(ids);
  const outside: string[] = [];
  ids.forEach((id) => {
    const hex = id.toHexString();
    const user = users.get(hex);
    if (!user) problems.push(`teacherIds: no user ${hex}`);
    else if (!isLearner(user)) problems.push(`teacherIds: ${hex} (${user.displayName}) is not a teacher (learner)`);
    else if (!inScope(scope, user.schoolCode)) outside.push(`${user.displayName} (${user.schoolCode ?? 'no school'})`);
  });
  // Who may act on which teachers comes before what is wrong with the rest of the form.
  if (outside.length > 0) {
    throw new ActivityForbiddenError(`you may record activities only for teachers of your schools; not for ${outside.slice(0, 10).join(', ')}${outside.length > 10 ? ` and ${outside.length - 10} more` : ''}`);
  }
  let key: string | undefined;
  if (options.submissionKey !== undefined) {
    if (typeof options.submissionKey !== 'string' || !/^[A-Za-z0-9_-]{8,100}$/.test(options.submissionKey)) {
      problems.push('submissionKey: must be 8–100 letters, digits, "-" or "_"');
    } else key = `submit:${personOf(actor).id}:${options.submissionKey}`;
  }
  if (problems.length > 0 || !fields) throw new ActivityInputError(problems);

  const schoolCodes = [...new Set(ids.map((id) => users.get(id.toHexString())?.schoolCode ?? ''))].sort();
  const { activity } = await insertActivity({
    activityId: newActivityId(key),
    ...(key ? { key } : {}),
    ...fields,
    teacherIds: ids,
    schoolCodes,
    evidence,
    origin: { kind: 'form' },
    submittedBy: personOf(actor),
    submittedAt: now,
  });
  return toView(activity, await findDecision(activity.activityId));
}

export async function findDecision(activityId: string): Promise<ActivityDecision | null> {
  return ActivityDecisionModel.findOne({ _id: activityId }, NO_ID).lean<ActivityDecision>();
}

/** An activity the actor may act on: all of its teachers' schools in their scope. */
async function loadForActor(activityId: string, actor: Actor): Promise<OfflineActivity> {
  const scope = actorScope(actor);
  if (typeof activityId !== 'string' || activityId.length > 200) throw new ActivityNotFoundError(String(activityId));
  const activity = await findActivity(activityId);
  if (!activity) throw new ActivityNotFoundError(activityId);
  if (!activity.schoolCodes.every((code) => inScope(scope, code))) {
    throw new ActivityForbiddenError(`activity ${activityId} has teachers outside your schools`);
  }
  return activity;
}

export async function getActivity(activityId: string, actor: Actor): Promise<ActivityView> {
  const activity = await loadForActor(activityId, actor);
  return toView(activity, await findDecision(activityId));
}

/**
 * Inserts the activity's one decision. A duplicate key means another decision won (a concurrent
 * click, or an earlier one): that decision is returned with `created: false`.
 */
export async function insertDecision(decision: ActivityDecision): Promise<{ decision: ActivityDecision; created: boolean }> {
  try {
    await ActivityDecisionModel.create({ _id: decision.activityId, ...decision });
    return { decision, created: true };
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const existing = await findDecision(decision.activityId);
    if (!existing) throw error;
    return { decision: existing, created: false };
  }
}

export interface ApproveResult {
  activity: ActivityView;
  /** false when the activity was already approved (by this call's twin or earlier). */
  created: boolean;
  /** The ledger entries: one per teacher, appended now or before. */
  credit: CreditReport;
}

/**
 * Approves a pending activity and credits its hours: one ledger entry per teacher, key
 * `activity:<activityId>:<teacherId>`. Exactly once, however many approve at the same time: the
 * decision is inserted under the activity's unique id, and every entry under its key. Approving
 * an approved activity again appends whatever entries are missing and reports `created: false`.
 * A registrar may not approve an activity they submitted, or one that credits themselves
 * (`ActivityForbiddenError`); admins may. An activity already rejected → `ActivityConflictError`.
 */
export async function approveActivity(activityId: string, actor: Actor, options: { now?: Date } = {}): Promise<ApproveResult> {
  const activity = await loadForActor(activityId, actor);
  if (!isAdmin(actor)) {
    if (activity.submittedBy.id === actor.id.trim()) {
      throw new ActivityForbiddenError('four-eyes rule: another registrar (or an admin) approves an activity you submitted');
    }
    if (activity.teacherIds.some((id) => id.toHexString() === actor.id.trim())) {
      throw new ActivityForbiddenError('four-eyes rule: another registrar (or an admin) approves an activity that credits your own hours');
    }
  }
  const { decision, created } = await insertDecision({ activityId, decision: 'approved', by: personOf(actor), at: options.now ?? new Date(), via: 'review' });
  if (decision.decision !== 'approved') {
    throw new ActivityConflictError(`activity ${activityId} was already rejected by ${decision.by.name}; record it again to credit it`);
  }
  const credit = await creditActivity(activity, decision);
  return { activity: toView(activity, decision), created, credit };
}

/**
 * Rejects a pending activity with a reason (1–500 characters); it never credits anything. A
 * submitter may reject their own activity (a withdrawal: it credits nothing, so the four-eyes
 * rule has nothing to guard). Rejecting again returns the first rejection (`created: false`);
 * an approved activity → `ActivityConflictError` (correct credited hours with a ledger reversal).
 */
export async function rejectActivity(
  activityId: string,
  reason: string,
  actor: Actor,
  options: { now?: Date } = {},
): Promise<{ activity: ActivityView; created: boolean }> {
  const activity = await loadForActor(activityId, actor);
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text === '') throw new ActivityInputError(['reason: a rejection needs a reason']);
  if (codePoints(text) > MAX_REASON_LENGTH) throw new ActivityInputError([`reason: must be at most ${MAX_REASON_LENGTH} characters`]);
  if (UNSAFE_TEXT.test(text)) throw new ActivityInputError(['reason: must not contain control characters']);
  const { decision, created } = await insertDecision({ activityId, decision: 'rejected', by: personOf(actor), at: options.now ?? new Date(), reason: text, via: 'review' });
  if (decision.decision !== 'rejected') {
    throw new ActivityConflictError(`activity ${activityId} was already approved by ${decision.by.name}; correct its hours with a ledger reversal`);
  }
  return { activity: toView(activity, decision), created };
}

export interface ActivityFilter {
  status?: ActivityStatus;
  /** Activities that include this teacher. */
  teacherId?: string;
  /** At most this many, newest first (default 50, at most 500). */
  limit?: number;
}

/**
 * The activities the actor may act on (all their teachers in the actor's schools), newest first,
 * with their status. Reads in batches until `limit` activities of the wanted status are found.
 */
export async function listActivities(actor: Actor, filter: ActivityFilter = {}): Promise<ActivityView[]> {
  const scope = actorScope(actor);
  const limit = Math.min(Math.max(Math.trunc(Number(filter.limit ?? 50)) || 50, 1), 500);
  const query: Record<string, unknown> = {};
  if (scope !== undefined) query.schoolCodes = { $in: [...scope] };
  if (filter.teacherId !== undefined) {
    if (typeof filter.teacherId !== 'string' || !Types.ObjectId.isValid(filter.teacherId)) return [];
    query.teacherIds = new Types.ObjectId(filter.teacherId);
  }
  const found: ActivityView[] = [];
  const cursor = OfflineActivityModel.find(query, NO_ID).sort({ submittedAt: -1, activityId: 1 }).lean<OfflineActivity>().cursor({ batchSize: 200 });
  let batch: OfflineActivity[] = [];
  const flush = async () => {
    const decisions = new Map(
      (await ActivityDecisionModel.find({ activityId: { $in: batch.map((a) => a.activityId) } }, NO_ID).lean<ActivityDecision[]>()).map((d) => [d.activityId, d]),
    );
    for (const activity of batch) {
      const view = toView(activity, decisions.get(activity.activityId));
      if (filter.status === undefined || view.status === filter.status) found.push(view);
    }
    batch = [];
  };
  // Leaving the loop (break or throw) closes the cursor.
  for await (const activity of cursor as AsyncIterable<OfflineActivity>) {
    if (!activity.schoolCodes.every((code) => inScope(scope, code))) continue;
    batch.push(activity);
    if (batch.length >= 200) await flush();
    if (found.length >= limit) break;
  }
  if (batch.length > 0 && found.length < limit) await flush();
  return found.slice(0, limit);
}
