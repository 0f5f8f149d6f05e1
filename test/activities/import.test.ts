import ExcelJS from 'exceljs';
import { LedgerEntryModel, teacherBalance, verifyLedger } from '../../src/ledger';
import {
  ActivityDecisionModel,
  ActivityForbiddenError,
  commitImport,
  dryRunImport,
  ImportRefusedError,
  OfflineActivityModel,
  type Actor,
  type DryRunResult,
} from '../../src/ledger/activities';
import type { User } from '../../src/users';
import { useTestDatabase } from '../support/database';
import { chinaDayFromToday, schools, staff, teacher } from './fixtures';

useTestDatabase();

let wang: User;
let li: User;
let zhang: User; // S002
let registrar: Actor; // S001

beforeAll(async () => {
  await schools();
  wang = await teacher('王芳', 'S001');
  li = await teacher('李明', 'S001');
  zhang = await teacher('张伟', 'S002');
  await teacher('刘洋', 'S001');
  await teacher('刘洋', 'S001');
  registrar = await staff('陈主任', ['registrar'], ['S001']);
});

const csv = (lines: string[]) => Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
const counts = async () => ({ activities: await OfflineActivityModel.countDocuments(), decisions: await ActivityDecisionModel.countDocuments(), entries: await LedgerEntryModel.countDocuments() });
const brief = (result: DryRunResult) => result.errors.map(({ row, column, code }) => ({ row, column, code }));

async function refused(promise: Promise<unknown>): Promise<ImportRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportRefusedError);
  return error as ImportRefusedError;
}

describe('dry run', () => {
  it('reports every bad row of a CSV (with BOM) by line and column, and writes nothing', async () => {
    const w = wang._id.toHexString();
    const l = li._id.toHexString();
    const file = csv([
      '教师编号,学校,姓名,活动名称,培训形式,学时,日期,类别', // 1
      `${w},,,课题研究开题会,课题研究,3,2026-03-05,`, // 2 valid
      ',S001,李明,专题讲座：班级管理,thematic-lecture,1.5,2026/3/6,校本培训', // 3 valid
      ',城关第一小学,赵六,课堂观摩,课堂观摩,2,2026-03-07,', // 4 unknown teacher
      `${zhang._id.toHexString()},,,校际交流,校际合作,2,2026-03-07,`, // 5 another school
      `${w},,,案例分析会,案例分析,abc,2026-03-08,`, // 6 hours
      `${l},,,舞蹈,跳舞,2,2026-03-08,`, // 7 mode
      `${l},,,沙龙研讨,沙龙研讨,2,${chinaDayFromToday(3)},`, // 8 future
      `${l},,,网络教研,网络交流,2,2026-02-30,`, // 9 no such day
      `${w},,,课题研究开题会,课题研究,3,2026-03-05,`, // 10 repeats 2
      '', // 11
      `${l},,,自修反思,自修反思,250,2026-03-09,`, // 12 hours
      `${l},,,"两行`, // 13
      `标题",专题讲座,1,2026-03-09,`, // 14 (the same record)
      `${l},,,师徒结对,师徒结对,1,2026-03-10,体育`, // 15 category
      ',S001,刘洋,听课,课堂观摩,1,2026-03-10,', // 16 two teachers of that name
      ',,,无人活动,专题讲座,1,2026-03-10,', // 17 no teacher
      `${w},S002,,听课,课堂观摩,1,2026-03-10,`, // 18 wrong school for the id
      'xyz,,,,,0,,', // 19 five problems
    ]);
    const before = await counts();
    const result = await dryRunImport({ buffer: file, originalName: '学时导入.csv' }, registrar);
    expect(await counts()).toEqual(before);

    expect(result.format).toBe('csv');
    expect(result.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(result.rows).toBe(16); // lines 2–19, less the empty line and the second line of the record on 13–14
    expect(result.valid.map((row) => row.row)).toEqual([2, 3]);
    expect(result.valid[0]).toMatchObject({ teacherId: w, teacherName: '王芳', schoolCode: 'S001', trainingMode: 'research-project', category: 'school-based', hours: 3, day: '2026-03-05' });
    expect(result.valid[1]).toMatchObject({ teacherId: l, trainingMode: 'thematic-lecture', hours: 1.5, day: '2026-03-06', occurredAt: new Date('2026-03-05T16:00:00Z') });
    expect(brief(result)).toEqual([
      { row: 4, column: '姓名', code: 'teacher-unknown' },
      { row: 5, column: '教师编号', code: 'out-of-scope' },
      { row: 6, column: '学时', code: 'hours' },
      { row: 7, column: '培训形式', code: 'mode' },
      { row: 8, column: '日期', code: 'date' },
      { row: 9, column: '日期', code: 'date' },
      { row: 10, column: null, code: 'duplicate' },
      { row: 12, column: '学时', code: 'hours' },
      { row: 13, column: '活动名称', code: 'title' },
      { row: 15, column: '类别', code: 'category' },
      { row: 16, column: '姓名', code: 'teacher-ambiguous' },
      { row: 17, column: '教师编号', code: 'teacher-missing' },
      { row: 18, column: '学校', code: 'teacher-mismatch' },
      { row: 19, column: '教师编号', code: 'teacher-unknown' },
      { row: 19, column: '活动名称', code: 'title' },
      { row: 19, column: '培训形式', code: 'mode' },
      { row: 19, column: '学时', code: 'hours' },
      { row: 19, column: '日期', code: 'date' },
    ]);
    const message = (row: number) => result.errors.find((e) => e.row === row)?.message;
    expect(message(5)).toMatch(/张伟 \(S002\) is not a teacher of your schools/);
    expect(message(8)).toMatch(/future/);
    expect(message(9)).toMatch(/not a date in the calendar/);
    expect(message(10)).toMatch(/repeats row 2/);
    expect(message(16)).toMatch(/2 teachers are named 刘洋/);

    // Nothing is committed while errors remain.
    const error = await refused(commitImport({ buffer: file }, registrar, { expectedChecksum: result.checksum }));
    expect(error.reason).toBe('errors');
    expect(error.errors).toHaveLength(18);
    expect(await counts()).toEqual(before);
  });

  it('reads the first sheet of an XLSX, by sheet row number, with dates, numbers, formulas and rich text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学时');
    workbook.addWorksheet('说明').addRow(['这张表不导入']);
    sheet.addRow(['教师编号 (teacher id)', 'School', '姓名（name）', 'Title', '培训形式 (mode)', 'hours', '日期', 'category']);
    const w = wang._id.toHexString();
    const l = li._id.toHexString();
    sheet.getRow(2).values = [w, null, null, '课堂观摩：数学', 'classroom-observation', 2, new Date(Date.UTC(2026, 2, 5)), null];
    sheet.getRow(3).values = [null, '城关第一小学', '李明', '沙龙', '沙龙研讨', '1.5', '2026-03-06', '校本培训'];
    // Row 4 left empty.
    sheet.getRow(5).values = [null, 'S001', '刘洋', '听课', '课堂观摩', 1, '2026-03-10', null];
    sheet.getRow(6).values = [w, null, null, '案例', '案例分析', 1.234, '2026-03-10', null];
    sheet.getRow(7).values = [l, null, null, '元旦读书会', '自修反思', 2, 45658, null];
    sheet.getRow(8).values = [zhang._id.toHexString(), null, null, '校际', '校际合作', 2, '2026-03-10', null];
    sheet.getRow(9).values = [l, null, null, '讲座', '专题讲座', 2, '2026-03-10', 'xyz'];
    sheet.getRow(10).values = [l, null, null, { richText: [{ text: '课题' }, { text: '研究' }] }, 'research-project', { formula: '1+1', result: 2 }, '2026-03-11', 'safety'];
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());

    const before = await counts();
    const result = await dryRunImport({ buffer, originalName: 'import.xlsx' }, registrar);
    expect(await counts()).toEqual(before);
    expect(result.format).toBe('xlsx');
    expect(result.rows).toBe(8);
    expect(result.valid.map((row) => [row.row, row.day, row.hours, row.category])).toEqual([
      [2, '2026-03-05', 2, 'school-based'],
      [3, '2026-03-06', 1.5, 'school-based'],
      [7, '2025-01-01', 2, 'school-based'],
      [10, '2026-03-11', 2, 'safety'],
    ]);
    expect(result.valid[3]?.title).toBe('课题研究');
    expect(brief(result)).toEqual([
      { row: 5, column: '姓名（name）', code: 'teacher-ambiguous' },
      { row: 6, column: 'hours', code: 'hours' },
      { row: 8, column: '教师编号 (teacher id)', code: 'out-of-scope' },
      { row: 9, column: 'category', code: 'category' },
    ]);
    expect((await refused(commitImport({ buffer }, registrar, { expectedChecksum: result.checksum }))).reason).toBe('errors');
    expect(await counts()).toEqual(before);
  });

  it('reports file-level problems: missing columns, not UTF-8, old .xls, no rows', async () => {
    const missing = await dryRunImport({ buffer: csv(['姓名,活动名称,学时', '王芳,讲座,2']) }, registrar);
    expect(brief(missing)).toEqual([
      { row: 1, column: '培训形式 (mode)', code: 'header' },
      { row: 1, column: '日期 (date)', code: 'header' },
      { row: 1, column: '教师编号 (teacher id)', code: 'header' },
    ]);
    const gbk = await dryRunImport({ buffer: Buffer.from([0xbd, 0xcc, 0xca, 0xa6, 0x0a]) }, registrar);
    expect(gbk.errors[0]?.message).toMatch(/not UTF-8/);
    const xls = await dryRunImport({ buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) }, registrar);
    expect(xls.errors[0]?.message).toMatch(/\.xls/);
    const empty = await dryRunImport({ buffer: csv(['teacher id,title,mode,hours,date']) }, registrar);
    expect(empty.errors[0]?.message).toMatch(/no rows/);
    const quote = await dryRunImport({ buffer: csv(['teacher id,title,mode,hours,date', 'a,"open,b,c,d']) }, registrar);
    expect(quote.errors[0]).toMatchObject({ row: expect.any(Number), code: 'file', message: expect.stringMatching(/cannot be read/) });
  });

  it('refuses a file of more than 10 000 rows without looking at them', async () => {
    const row = `${wang._id.toHexString()},讲座,专题讲座,1,2026-03-05`;
    const result = await dryRunImport({ buffer: csv(['teacher id,title,mode,hours,date', ...Array.from({ length: 10_001 }, () => row)]) }, registrar);
    expect(result.rows).toBe(10_001);
    expect(result.valid).toEqual([]);
    expect(brief(result)).toEqual([{ row: 0, column: null, code: 'file' }]);
    expect(result.errors[0]?.message).toMatch(/at most 10000/);
  });

  it('is for registrars and admins only', async () => {
    const learner: Actor = { id: wang._id.toHexString(), name: '王芳', roles: ['learner'] };
    await expect(dryRunImport({ buffer: csv(['a']) }, learner)).rejects.toBeInstanceOf(ActivityForbiddenError);
  });
});

describe('commit', () => {
  const cleanFile = () =>
    csv([
      'teacher id,title,mode,hours,date',
      `${wang._id.toHexString()},校本研修：作业设计,research-project,3,2026-03-05`,
      `${li._id.toHexString()},校本研修：作业设计,research-project,3,2026-03-05`,
      `${wang._id.toHexString()},听评课,课堂观摩,1.5,2026-03-12`,
    ]);

  it('refuses a file that is not the one the dry run checked', async () => {
    const file = cleanFile();
    const result = await dryRunImport({ buffer: file }, registrar);
    expect(result.errors).toEqual([]);
    const before = await counts();
    expect((await refused(commitImport({ buffer: file }, registrar, { expectedChecksum: '0'.repeat(64) }))).reason).toBe('checksum');
    const changed = Buffer.concat([file, Buffer.from(`${li._id.toHexString()},加一行,专题讲座,9,2026-03-13\r\n`)]);
    expect((await refused(commitImport({ buffer: changed }, registrar, { expectedChecksum: result.checksum }))).reason).toBe('checksum');
    expect(await counts()).toEqual(before);
  });

  it('commits a clean file as approved activities with their entries, and a second commit adds nothing', async () => {
    const file = cleanFile();
    const { checksum, valid } = await dryRunImport({ buffer: file, originalName: '三月.csv' }, registrar);
    expect(valid).toHaveLength(3);

    const first = await commitImport({ buffer: file, originalName: '三月.csv' }, registrar, { expectedChecksum: checksum });
    expect(first).toEqual({ checksum, rows: 3, created: 3, alreadyImported: 0, appended: 3, problems: [] });
    expect(await teacherBalance(wang._id, { trainingYear: 2026 })).toEqual([{ trainingYear: 2026, category: 'school-based', hours: 4.5, credits: 2, reversals: 0 }]);
    expect(await teacherBalance(li._id, { trainingYear: 2026 })).toEqual([{ trainingYear: 2026, category: 'school-based', hours: 3, credits: 1, reversals: 0 }]);

    const activities = await OfflineActivityModel.find({ 'origin.checksum': checksum }).sort({ 'origin.row': 1 }).lean();
    expect(activities.map((a) => [a.origin?.row, a.origin?.fileName, a.key])).toEqual([
      [2, '三月.csv', `import:${checksum}:2`],
      [3, '三月.csv', `import:${checksum}:3`],
      [4, '三月.csv', `import:${checksum}:4`],
    ]);
    const decisions = await ActivityDecisionModel.find({ activityId: { $in: activities.map((a) => a.activityId) } }).lean();
    expect(decisions).toHaveLength(3);
    expect(decisions.every((d) => d.decision === 'approved' && d.via === 'import' && d.checksum === checksum && d.by?.id === registrar.id)).toBe(true);
    const entries = await LedgerEntryModel.find({ 'source.activityId': { $in: activities.map((a) => a.activityId) } }).lean();
    expect(entries.map((e) => e.recordedBy)).toEqual(Array(3).fill({ kind: 'user', id: registrar.id, name: '陈主任' }));

    const before = await counts();
    const second = await commitImport({ buffer: file }, registrar, { expectedChecksum: checksum });
    expect(second).toEqual({ checksum, rows: 3, created: 0, alreadyImported: 3, appended: 0, problems: [] });
    expect(await counts()).toEqual(before);
    expect((await dryRunImport({ buffer: file }, registrar)).alreadyImported).toBe(3);
    expect(await teacherBalance(wang._id, { trainingYear: 2026 })).toEqual([{ trainingYear: 2026, category: 'school-based', hours: 4.5, credits: 2, reversals: 0 }]);
  });

  it('credits an XLSX once when it is committed twice at the same moment', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['学校', '姓名', '活动名称', '培训形式', '学时', '日期', '类别']);
    sheet.addRow(['S001', '王芳', '安全演练培训', '专题讲座', 2, new Date(Date.UTC(2025, 10, 9)), '学校安全']);
    sheet.addRow(['城关第一小学', '李明', '安全演练培训', '专题讲座', 2, new Date(Date.UTC(2025, 10, 9)), '学校安全']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const { checksum, errors } = await dryRunImport({ buffer }, registrar);
    expect(errors).toEqual([]);

    const results = await Promise.all([0, 1].map(() => commitImport({ buffer }, registrar, { expectedChecksum: checksum })));
    expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(2);
    expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(2);
    for (const user of [wang, li]) {
      expect(await teacherBalance(user._id, { trainingYear: 2025 })).toEqual([{ trainingYear: 2025, category: 'safety', hours: 2, credits: 1, reversals: 0 }]);
    }
    expect((await verifyLedger()).breaks).toEqual([]);
  });
});
