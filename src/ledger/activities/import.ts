import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import type { Category } from '../../courses';
import { listSchools, UserModel, type User } from '../../users';
import type { TrainingMode } from '..';
import { actorScope, inScope, isAdmin, personOf, type Actor } from './actor';
import { activityEntryKey, creditActivity, eachLimit, existingEntryKeys, type TeacherSnapshot } from './apply';
import { ImportRefusedError } from './errors';
import { sanitiseFileName } from './evidence';
import { CATEGORY_NAMES, parseCategory, parseTrainingMode, TRAINING_MODE_NAMES } from './names';
import { insertActivity, insertDecision, isLearner, MAX_TITLE_LENGTH, newActivityId } from './service';
import { OfflineActivityModel } from './store';
import { isEmptyCell, readTable, type Cell, type TableRow } from './table';
import { chinaDay, dayProblem, hoursProblem, parseDay, parseHours, startOfChinaDay, UNSAFE_LINE } from './values';

/**
 * Bulk import of offline activities from a registrar's CSV or XLSX: one row, one teacher, one
 * activity. `dryRunImport` checks every row and writes nothing; `commitImport` checks again and
 * writes only a file without errors that is byte for byte the one the dry run checked. The
 * import is the importing registrar's approval: each row becomes an activity approved by them.
 */

export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export interface ImportFile {
  buffer: Uint8Array;
  /** For the record (kept on each activity, sanitised); the format is told from the content. */
  originalName?: string;
}

export const IMPORT_ERROR_CODES = [
  'file',
  'header',
  'teacher-missing',
  'teacher-unknown',
  'teacher-ambiguous',
  'teacher-mismatch',
  'school-unknown',
  'out-of-scope',
  'own-hours',
  'title',
  'mode',
  'hours',
  'date',
  'category',
  'duplicate',
] as const;
export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number];

export interface ImportError {
  /** The line (CSV) or row (XLSX) number the registrar sees; 0 for the file as a whole. */
  row: number;
  /** The column's header as written in the file (or, for a missing column, its expected name); null for the row or file as a whole. */
  column: string | null;
  message: string;
  /** A stable name of the problem, for translating the message. */
  code: ImportErrorCode;
}

export interface ImportRow {
  row: number;
  teacherId: string;
  teacherName: string;
  schoolCode?: string;
  title: string;
  trainingMode: TrainingMode;
  category: Category;
  hours: number;
  /** The activity's day (YYYY-MM-DD, China time) and the moment it starts. */
  day: string;
  occurredAt: Date;
}

export interface DryRunResult {
  format: 'csv' | 'xlsx';
  /** sha256 of the file: `commitImport` takes it back and refuses any other file. */
  checksum: string;
  /** Data rows read (empty rows are not counted). */
  rows: number;
  valid: ImportRow[];
  /** Every problem, in file order. */
  errors: ImportError[];
  /** Rows of this very file committed before: committing again adds nothing for them. */
  alreadyImported: number;
}

type Field = 'teacherId' | 'school' | 'name' | 'title' | 'mode' | 'hours' | 'date' | 'category';

/** The header of each column in Chinese and English; either is accepted, and "学时 (hours)" too. */
export const IMPORT_COLUMNS: Record<Field, { zh: string; en: readonly string[] }> = {
  teacherId: { zh: '教师编号', en: ['teacher id', 'teacher'] },
  school: { zh: '学校', en: ['school', 'school code'] },
  name: { zh: '姓名', en: ['name', 'teacher name'] },
  title: { zh: '活动名称', en: ['title', 'activity'] },
  mode: { zh: '培训形式', en: ['mode', 'training mode'] },
  hours: { zh: '学时', en: ['hours'] },
  date: { zh: '日期', en: ['date'] },
  category: { zh: '类别', en: ['category'] },
};
const REQUIRED: readonly Field[] = ['title', 'mode', 'hours', 'date'];
const label = (field: Field) => `${IMPORT_COLUMNS[field].zh} (${IMPORT_COLUMNS[field].en[0]})`;

const foldHeader = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[\s_\-:：*]+/g, '');
const HEADER_ALIASES = new Map<string, Field>(
  (Object.keys(IMPORT_COLUMNS) as Field[]).flatMap((field) => [
    [foldHeader(IMPORT_COLUMNS[field].zh), field] as const,
    ...IMPORT_COLUMNS[field].en.map((en) => [foldHeader(en), field] as const),
  ]),
);

/** The field a header names: "学时", "hours", "学时 (hours)", "Hours（学时）". */
function headerField(text: string): Field | undefined {
  const folded = foldHeader(text);
  const direct = HEADER_ALIASES.get(folded);
  if (direct) return direct;
  const both = /^(.+?)\((.+)\)$/.exec(folded);
  if (!both) return undefined;
  const [outer, inner] = [HEADER_ALIASES.get(both[1] ?? ''), HEADER_ALIASES.get(both[2] ?? '')];
  return outer && inner && outer !== inner ? undefined : (outer ?? inner);
}

/** A cell as text; an XLSX date cell as the day Excel shows (its UTC day). */
const text = (cell: Cell | undefined): string => {
  if (cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : cell.toISOString().slice(0, 10);
  return String(cell).trim();
};
const foldName = (name: string) => name.normalize('NFKC').replace(/\s+/g, ' ').trim();
/** Schools are found by code or name, case-insensitively. */
const foldSchool = (school: string) => foldName(school).toLowerCase();

/** An XLSX date cell holds the day Excel shows at 00:00 UTC; a bare number is an Excel serial day. */
function cellDay(cell: Cell): { ok: true; value: Date } | { ok: false; problem: string } {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, problem: 'must be a date written YYYY-MM-DD' };
    return { ok: true, value: startOfChinaDay(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate()) };
  }
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 1 || cell > 2_958_465) return { ok: false, problem: 'must be a date written YYYY-MM-DD' };
    const serial = new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000);
    return { ok: true, value: startOfChinaDay(serial.getUTCFullYear(), serial.getUTCMonth() + 1, serial.getUTCDate()) };
  }
  return parseDay(cell);
}

type Teacher = Pick<User, '_id' | 'displayName' | 'schoolCode' | 'roles'>;
const TEACHER_FIELDS = { displayName: 1, schoolCode: 1, roles: 1 } as const;

interface Located {
  row: TableRow;
  get(field: Field): Cell | undefined;
}

/**
 * Checks every row of an import file and writes nothing: missing or unknown teachers, teachers
 * outside the actor's schools, bad hours, unknown modes or categories, bad or future dates, rows
 * repeated within the file. Problems with the file itself (not CSV/XLSX, not UTF-8, no header,
 * a required column missing, more than 10 000 rows) are reported at row 0 or the header's row.
 * Only registrars and admins may import (`ActivityForbiddenError`).
 */
export async function dryRunImport(file: ImportFile, actor: Actor, options: { now?: Date } = {}): Promise<DryRunResult> {
  const scope = actorScope(actor);
  const now = options.now ?? new Date();
  const buffer = file?.buffer instanceof Uint8Array ? Buffer.from(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength) : Buffer.alloc(0);
  const checksum = createHash('sha256').update(buffer).digest('hex');
  const result: DryRunResult = { format: 'csv', checksum, rows: 0, valid: [], errors: [], alreadyImported: 0 };
  const fail = (row: number, column: string | null, code: ImportErrorCode, message: string) => result.errors.push({ row, column, code, message });

  if (buffer.length === 0) {
    fail(0, null, 'file', 'the file is empty');
    return result;
  }
  if (buffer.length > MAX_IMPORT_BYTES) {
    fail(0, null, 'file', `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split it into smaller files`);
    return result;
  }
  const table = await readTable(buffer);
  result.format = table.format;
  if (table.problem) {
    fail(table.problem.row, null, 'file', table.problem.message);
    return result;
  }
  if (!table.header) {
    fail(0, null, 'file', `the file has no header row (${REQUIRED.map(label).join(', ')} …)`);
    return result;
  }

  // Which column holds which field.
  const header = table.header;
  const columns = new Map<Field, { index: number; name: string }>();
  header.cells.forEach((cell, index) => {
    const name = text(cell);
    const field = name === '' ? undefined : headerField(name);
    if (!field) return;
    const earlier = columns.get(field);
    if (earlier) fail(header.row, name, 'header', `the column ${label(field)} appears twice (also "${earlier.name}")`);
    else columns.set(field, { index, name });
  });
  for (const field of REQUIRED) if (!columns.has(field)) fail(header.row, label(field), 'header', `the column ${label(field)} is missing`);
  if (!columns.has('teacherId') && !(columns.has('school') && columns.has('name'))) {
    fail(header.row, label('teacherId'), 'header', `name the teacher with a column ${label('teacherId')}, or with ${label('school')} and ${label('name')}`);
  }
  result.rows = table.rows.length;
  if (table.rows.length > MAX_IMPORT_ROWS) {
    fail(0, null, 'file', `the file has ${table.rows.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once: split it`);
  }
  if (table.rows.length === 0) fail(0, null, 'file', 'the file has a header but no rows');
  if (result.errors.length > 0) return result;

  const column = (field: Field) => columns.get(field)?.name ?? label(field);
  const rows: Located[] = table.rows.map((row) => ({
    row,
    get: (field) => {
      const at = columns.get(field);
      return at === undefined ? undefined : row.cells[at.index];
    },
  }));

  // Everything the rows refer to, looked up in a few queries.
  const schools = await listSchools();
  const schoolCodeOf = new Map<string, string>();
  for (const school of schools) {
    schoolCodeOf.set(foldSchool(school.name), school.code);
    schoolCodeOf.set(foldSchool(school.code), school.code);
  }
  const ids = new Set<string>();
  const namedSchools = new Set<string>();
  for (const located of rows) {
    const id = text(located.get('teacherId')).toLowerCase();
    if (/^[0-9a-f]{24}$/.test(id)) ids.add(id);
    else if (id === '') {
      const code = schoolCodeOf.get(foldSchool(text(located.get('school'))));
      if (code && inScope(scope, code)) namedSchools.add(code);
    }
  }
  const byId = new Map<string, Teacher>();
  const idList = [...ids].map((id) => new Types.ObjectId(id));
  for (let at = 0; at < idList.length; at += 1000) {
    for (const user of await UserModel.find({ _id: { $in: idList.slice(at, at + 1000) } }, TEACHER_FIELDS).lean<Teacher[]>()) {
      byId.set(user._id.toHexString(), user);
    }
  }
  const byName = new Map<string, Teacher[]>();
  if (namedSchools.size > 0) {
    const learners = await UserModel.find({ roles: 'learner', schoolCode: { $in: [...namedSchools] } }, TEACHER_FIELDS).lean<Teacher[]>();
    for (const user of learners) {
      const key = `${user.schoolCode ?? ''}\u0000${foldName(user.displayName)}`;
      byName.set(key, [...(byName.get(key) ?? []), user]);
    }
  }

  const seen = new Map<string, number>();
  for (const located of rows) {
    const lineNumber = located.row.row;
    const before = result.errors.length;
    const problem = (field: Field | null, code: ImportErrorCode, message: string) => fail(lineNumber, field ? column(field) : null, code, message);

    // The teacher: by id, or by school and name.
    let teacher: Teacher | undefined;
    const idText = text(located.get('teacherId'));
    const schoolText = text(located.get('school'));
    const nameText = text(located.get('name'));
    if (idText !== '') {
      const id = idText.toLowerCase();
      const user = /^[0-9a-f]{24}$/.test(id) ? byId.get(id) : undefined;
      if (!/^[0-9a-f]{24}$/.test(id)) problem('teacherId', 'teacher-unknown', `"${idText.slice(0, 40)}" is not a teacher id (24 characters 0-9 a-f, as \`shixun users list\` shows)`);
      else if (!user || !isLearner(user)) problem('teacherId', 'teacher-unknown', `no teacher has the id ${id}`);
      else if (!inScope(scope, user.schoolCode)) problem('teacherId', 'out-of-scope', `${user.displayName} (${user.schoolCode ?? 'no school'}) is not a teacher of your schools`);
      else {
        teacher = user;
        if (nameText !== '' && foldName(nameText) !== foldName(user.displayName)) {
          problem('name', 'teacher-mismatch', `the id ${id} is ${user.displayName}'s, not ${nameText}'s`);
        }
        if (schoolText !== '' && schoolCodeOf.get(foldSchool(schoolText)) !== user.schoolCode) {
          problem('school', 'teacher-mismatch', `${user.displayName} is a teacher of ${user.schoolCode ?? 'no school'}, not of ${schoolText}`);
        }
      }
    } else if (schoolText !== '' && nameText !== '') {
      const code = schoolCodeOf.get(foldSchool(schoolText));
      if (!code) problem('school', 'school-unknown', `no school has the code or name "${schoolText}"`);
      else if (!inScope(scope, code)) problem('school', 'out-of-scope', `${schoolText} is not one of your schools`);
      else {
        const found = byName.get(`${code}\u0000${foldName(nameText)}`) ?? [];
        if (found.length === 0) problem('name', 'teacher-unknown', `no teacher named ${nameText} at ${schoolText}`);
        else if (found.length > 1) problem('name', 'teacher-ambiguous', `${found.length} teachers are named ${nameText} at ${schoolText}: write the ${label('teacherId')} instead`);
        else teacher = found[0];
      }
    } else {
      problem(columns.has('teacherId') ? 'teacherId' : schoolText === '' ? 'school' : 'name', 'teacher-missing', `the row names no teacher: fill in ${label('teacherId')}, or ${label('school')} and ${label('name')}`);
    }
    if (teacher && !isAdmin(actor) && teacher._id.toHexString() === actor.id.trim()) {
      problem(columns.has('teacherId') ? 'teacherId' : 'name', 'own-hours', 'you cannot credit your own hours: another registrar imports or approves them');
      teacher = undefined;
    }

    const title = text(located.get('title'));
    if (title === '') problem('title', 'title', 'the activity has no name');
    else if ([...title].length > MAX_TITLE_LENGTH) problem('title', 'title', `at most ${MAX_TITLE_LENGTH} characters (${[...title].length} given)`);
    else if (UNSAFE_LINE.test(title)) problem('title', 'title', 'must not contain control characters or line breaks');

    const modeText = text(located.get('mode'));
    const trainingMode = parseTrainingMode(modeText);
    if (!trainingMode) {
      problem('mode', 'mode', `${modeText === '' ? 'no training mode' : `"${modeText}" is not a training mode`}: one of ${Object.values(TRAINING_MODE_NAMES).join('、')}`);
    }

    let hours: number | undefined;
    const hoursCell = located.get('hours');
    if (isEmptyCell(hoursCell)) problem('hours', 'hours', 'no hours');
    else if (typeof hoursCell === 'number') {
      const bad = hoursProblem(hoursCell);
      if (bad) problem('hours', 'hours', `${hoursCell}: ${bad}`);
      else hours = Math.round(hoursCell * 100) / 100;
    } else {
      const parsed = parseHours(text(hoursCell));
      if (parsed.ok) hours = parsed.value;
      else problem('hours', 'hours', parsed.problem);
    }

    let occurredAt: Date | undefined;
    const dateCell = located.get('date');
    if (isEmptyCell(dateCell)) problem('date', 'date', 'no date (write YYYY-MM-DD)');
    else {
      const parsed = cellDay(dateCell as Cell);
      if (!parsed.ok) problem('date', 'date', `${text(dateCell)}: ${parsed.problem}`);
      else {
        const bad = dayProblem(parsed.value, now);
        if (bad) problem('date', 'date', bad);
        else occurredAt = parsed.value;
      }
    }

    const categoryText = text(located.get('category'));
    const category = categoryText === '' ? 'school-based' : parseCategory(categoryText);
    if (!category) problem('category', 'category', `"${categoryText}" is not a category: one of ${Object.values(CATEGORY_NAMES).join('、')} (or leave it empty for 校本培训)`);

    if (result.errors.length > before || !teacher || !trainingMode || hours === undefined || !occurredAt || !category) continue;
    const day = chinaDay(occurredAt);
    const signature = [teacher._id.toHexString(), foldName(title), trainingMode, category, hours, day].join('\u0000');
    const first = seen.get(signature);
    if (first !== undefined) {
      problem(null, 'duplicate', `repeats row ${first} (same teacher, activity, mode, category, hours and date)`);
      continue;
    }
    seen.set(signature, lineNumber);
    result.valid.push({
      row: lineNumber,
      teacherId: teacher._id.toHexString(),
      teacherName: teacher.displayName,
      ...(teacher.schoolCode ? { schoolCode: teacher.schoolCode } : {}),
      title,
      trainingMode,
      category,
      hours,
      day,
      occurredAt,
    });
  }
  result.errors.sort((a, b) => a.row - b.row);
  result.alreadyImported = await OfflineActivityModel.countDocuments({ 'origin.checksum': checksum });
  return result;
}

export interface CommitResult {
  checksum: string;
  rows: number;
  /** Activities (each approved and credited) this commit created. */
  created: number;
  /** Rows an earlier commit of the same file already created: nothing new for them. */
  alreadyImported: number;
  /** Ledger entries appended now. */
  appended: number;
  /** Rows whose activity exists but was rejected meanwhile, or whose entry could not be appended (retried by `applyApprovedActivities`). */
  problems: { row: number; message: string }[];
}

/** The activity key of a row of a file: what makes committing the same file twice add nothing. */
export const importKey = (checksum: string, row: number) => `import:${checksum}:${row}`;

/** Rows of different teachers are written side by side; one teacher's rows one after another. */
const PARALLEL_TEACHERS = 4;

/**
 * Writes an import the dry run found clean: one activity per row, approved by the importing
 * registrar (decision `via: 'import'` with the file's checksum: the import is their approval),
 * and its ledger entry. Refuses (`ImportRefusedError`, nothing written) when `expectedChecksum`
 * is not the file's sha256 (the file changed since the dry run) or when the file has any error.
 * Each row's activity is keyed `import:<checksum>:<row>`, so committing the same file again, or
 * twice at once, creates and credits nothing new.
 */
export async function commitImport(
  file: ImportFile,
  actor: Actor,
  options: { expectedChecksum: string; now?: Date },
): Promise<CommitResult> {
  actorScope(actor);
  const now = options.now ?? new Date();
  const buffer = file?.buffer instanceof Uint8Array ? file.buffer : new Uint8Array();
  const checksum = createHash('sha256').update(buffer).digest('hex');
  if (typeof options?.expectedChecksum !== 'string' || options.expectedChecksum.toLowerCase() !== checksum) {
    throw new ImportRefusedError('checksum', 'this is not the file the dry run checked (its checksum differs): run the dry run again on this file');
  }
  const report = await dryRunImport(file, actor, { now });
  if (report.errors.length > 0) {
    throw new ImportRefusedError('errors', `the file has ${report.errors.length} problem${report.errors.length === 1 ? '' : 's'}: correct them and run the dry run again`, report.errors);
  }

  const person = personOf(actor);
  const fileName = sanitiseFileName(file.originalName ?? 'import');
  const result: CommitResult = { checksum, rows: report.rows, created: 0, alreadyImported: 0, appended: 0, problems: [] };
  const rows = report.valid.map((row) => ({ ...row, activityId: newActivityId(importKey(checksum, row.row)) }));
  // The teachers as the dry run read them a moment ago, and the entries an earlier commit made.
  const snapshots = new Map<string, TeacherSnapshot>(
    rows.map((row) => [row.teacherId, { _id: new Types.ObjectId(row.teacherId), displayName: row.teacherName, ...(row.schoolCode ? { schoolCode: row.schoolCode } : {}) }]),
  );
  const credited = await existingEntryKeys(rows.map((row) => activityEntryKey(row.activityId, new Types.ObjectId(row.teacherId))));

  const byTeacher = new Map<string, typeof rows>();
  for (const row of rows) byTeacher.set(row.teacherId, [...(byTeacher.get(row.teacherId) ?? []), row]);
  await eachLimit([...byTeacher.values()], PARALLEL_TEACHERS, async (teacherRows) => {
    for (const row of teacherRows) {
      const { activity, created } = await insertActivity({
        activityId: row.activityId,
        key: importKey(checksum, row.row),
        title: row.title,
        trainingMode: row.trainingMode,
        category: row.category,
        hours: row.hours,
        occurredAt: row.occurredAt,
        teacherIds: [new Types.ObjectId(row.teacherId)],
        schoolCodes: [row.schoolCode ?? ''],
        evidence: [],
        origin: { kind: 'import', checksum, fileName, row: row.row },
        submittedBy: person,
        submittedAt: now,
      });
      if (created) result.created += 1;
      else result.alreadyImported += 1;
      const { decision } = await insertDecision({ activityId: activity.activityId, decision: 'approved', by: person, at: now, via: 'import', checksum });
      if (decision.decision !== 'approved') {
        result.problems.push({ row: row.row, message: `the activity of this row was rejected by ${decision.by.name}: nothing credited` });
        continue;
      }
      if (credited.has(activityEntryKey(activity.activityId, new Types.ObjectId(row.teacherId)))) continue;
      const credit = await creditActivity(activity, decision, { snapshots });
      result.appended += credit.appended;
      for (const failure of credit.failed) result.problems.push({ row: row.row, message: failure.message });
    }
  });
  return result;
}
