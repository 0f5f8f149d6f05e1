import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { exportLedgerCsv, ExportInputError, type ExportProgress } from '../../src/ledger/exports';
import { useTestDatabase } from '../support/database';
import { credit, seedDistrict, teacher } from './fixtures';

useTestDatabase();

let district: Awaited<ReturnType<typeof seedDistrict>>;
beforeAll(async () => {
  district = await seedDistrict();
});

const folder = mkdtempSync(path.join(tmpdir(), 'shixun-ledger-csv-'));
let n = 0;
async function exportCsv(filters: Parameters<typeof exportLedgerCsv>[1]['filters'], options: { sheet?: 'detail' | 'summary'; progress?: (p: ExportProgress) => void } = {}) {
  const file = path.join(folder, `export-${(n += 1)}.csv`);
  const result = await exportLedgerCsv(file, { filters, profileId: 'default', asOf: new Date('2026-11-23T08:00:00Z'), ...options });
  const raw = readFileSync(file, 'utf8');
  const rows = parse(raw, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];
  return { result, raw, rows };
}

describe('ledger detail as CSV', () => {
  it('starts with the BOM, uses CRLF, keeps Chinese and escapes formula-like names', async () => {
    const { raw, rows, result } = await exportCsv({ trainingYear: 2026 });
    expect(raw.startsWith('\uFEFF教师 (Teacher),教师 ID (Teacher ID),学校 (School),')).toBe(true);
    expect(raw.split('\r\n').length).toBe(rows.length + 2);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/\n/); // no bare LF (no multi-line cells here)
    expect(result).toEqual({ teachers: 0, entries: 8 });
    // Sorted by school, then teacher, then sequence.
    expect(rows.map((row) => row['学校 (School)'])).toEqual(['S001', 'S001', 'S001', 'S002', 'S002', 'S002', 'S003', 'S003']);
    const names = rows.map((row) => row['教师 (Teacher)']);
    expect(names).toEqual(expect.arrayContaining([`'=HYPERLINK("x")`, "'+1", "'@cmd", '张老师']));
    expect(raw).toContain(`"'=HYPERLINK(""x"")"`);
    expect(raw).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(rows.find((row) => row['教师 (Teacher)'] === "'+1")!['来源 (Source)']).toBe("线下活动 (offline): =cmd|calc");

    const module = rows.find((row) => row['考核成绩 % (Assessment score %)'] !== '')!;
    expect(module).toMatchObject({
      '教师 (Teacher)': '张老师',
      '类别 (Category)': '新任班主任 (homeroom-new)',
      '学时 (Hours)': '4',
      '来源 (Source)': 'homeroom-inservice-communication@2',
      '考核成绩 % (Assessment score %)': '92.5',
      '发生日期 (Occurred on, Beijing)': '2026-05-21',
      '记录时间 (Recorded at, Beijing)': '2026-05-21T00:30:05+08:00',
      '计入规则 (Credit rule)': 'module-completion-passed',
      '记录人 (Recorded by)': 'Shixun',
    });
  });

  it('shows a reversal as negative hours, with what it reverses and why', async () => {
    const { rows } = await exportCsv({ trainingYear: 2026, schoolCodes: ['S002'] });
    expect(rows.map((row) => [row['类别 (Category)'], row['学时 (Hours)'], row['培训形式 (Training mode)']])).toEqual([
      ['校本培训 (school-based)', '3', '沙龙研讨 (salon)'],
      ['学校安全 (safety)', '2', ''],
      ['学校安全 (safety)', '-2', ''],
    ]);
    const reversal = rows[2]!;
    expect(reversal['冲销对象 (Reversal of)']).toBe(district.safety.entryId);
    expect(reversal['原因 (Reason)']).toBe('重复登记，已冲销');
    expect(reversal['来源 (Source)']).toBe('冲销 (reversal)');
    expect(reversal['记录编号 (Entry ID)']).toBe(district.reversal.entryId);
    expect(reversal['序号 (Sequence)']).toBe('3');
  });

  it('honours the year, the school scope and the category', async () => {
    const lastYear = await exportCsv({ trainingYear: 2025 });
    expect(lastYear.rows.map((row) => [row['教师 (Teacher)'], row['学时 (Hours)'], row['培训年度 (Training year)']])).toEqual([["'@cmd", '4', '2025']]);

    const scoped = await exportCsv({ trainingYear: 2026, schoolCodes: ['S001', 'S003'] });
    expect(new Set(scoped.rows.map((row) => row['学校 (School)']))).toEqual(new Set(['S001', 'S003']));
    expect(scoped.rows).toHaveLength(5);

    const nothing = await exportCsv({ trainingYear: 2026, schoolCodes: [] });
    expect(nothing.rows).toEqual([]);
    expect(nothing.raw).toMatch(/^\uFEFF教师 \(Teacher\).*\r\n$/);

    const category = await exportCsv({ trainingYear: 2026, category: 'homeroom-inservice' });
    expect(category.rows.map((row) => row['学时 (Hours)'])).toEqual(['12', '8', '12']);
    expect(new Set(category.rows.map((row) => row['类别 (Category)']))).toEqual(new Set(['在岗班主任 (homeroom-inservice)']));
  });

  it('reports progress up to processed = total', async () => {
    const reports: ExportProgress[] = [];
    await exportCsv({ trainingYear: 2026 }, { progress: (p) => reports.push(p) });
    expect(reports.map((p) => p.processed)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8]);
    expect(reports.at(-1)).toEqual({ processed: 8, total: 8, phase: 'detail' });
  });

  it('writes the summary as a CSV of its own', async () => {
    const { rows, result } = await exportCsv({ trainingYear: 2026, schoolCodes: ['S001'] }, { sheet: 'summary' });
    expect(result).toEqual({ teachers: 2, entries: 0 });
    expect(rows.map((row) => [row['教师 (Teacher)'], row['2026 年度学时合计 (Total hours, 2026)'], row['在岗班主任每年专题培训不少于 20 学时 (homeroom-inservice-annual)']])).toEqual([
      ["'+1", '12', '差 8 学时 (short by 8)'],
      [`'=HYPERLINK("x")`, '20', '达标 (met)'],
    ]);
  });

  it('keeps only the entries of teachers with the requirement status asked for', async () => {
    // Under the default profile everyone so far is short of the 360-hour cycle; this teacher is not.
    const done = await teacher('完成者', 'S004', { homeroomTier: 'inservice' });
    await credit(done, { category: 'homeroom-inservice', hours: 200 });
    await credit(done, { category: 'school-based', hours: 160 });
    const met = await exportCsv({ trainingYear: 2026, requirementStatus: 'met' });
    expect(met.rows.map((row) => [row['教师 (Teacher)'], row['学时 (Hours)']])).toEqual([
      ['完成者', '200'],
      ['完成者', '160'],
    ]);
    const short = await exportCsv({ trainingYear: 2026, schoolCodes: ['S001', 'S004'], requirementStatus: 'short' });
    expect(short.rows.map((row) => row['学校 (School)'])).toEqual(['S001', 'S001', 'S001']);
    const summary = await exportCsv({ trainingYear: 2026, requirementStatus: 'met' }, { sheet: 'summary' });
    expect(summary.rows.map((row) => row['教师 (Teacher)'])).toEqual(['完成者']);
  });

  it('refuses bad filters and unknown profiles before writing anything', async () => {
    await expect(exportLedgerCsv(path.join(folder, 'bad.csv'), { filters: { trainingYear: 26.5 } as never, profileId: 'default' })).rejects.toBeInstanceOf(ExportInputError);
    await expect(exportLedgerCsv(path.join(folder, 'bad.csv'), { filters: { trainingYear: 2026, category: 'cooking' } as never, profileId: 'default' })).rejects.toThrow(/category/);
    await expect(exportLedgerCsv(path.join(folder, 'bad.csv'), { filters: { trainingYear: 2026 }, profileId: 'nowhere' })).rejects.toThrow(/no policy profile "nowhere"/);
  });
});
