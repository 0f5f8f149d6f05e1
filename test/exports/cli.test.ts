import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { shixunOn } from '../support/cli';
import { useTestDatabase } from '../support/database';
import { seedDistrict } from './fixtures';

const database = useTestDatabase();
const folder = mkdtempSync(path.join(tmpdir(), 'shixun-export-cli-'));

const shixun = shixunOn(database);

describe('shixun export', () => {
  beforeAll(async () => {
    await seedDistrict();
  });

  it('writes a CSV of one school and category, and says what it wrote', () => {
    const out = path.join(folder, 'hours.csv');
    const run = shixun(['export', '--year', '2026', '--format', 'csv', '--out', out, '--school', 'S002', '--category', 'safety']);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^exported 2 entries \(2026, csv\) to .*hours\.csv in [\d.]+ s\n$/);
    const rows = parse(readFileSync(out, 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row['教师 (Teacher)'], row['学时 (Hours)']])).toEqual([
      ["'@cmd", '2'],
      ["'@cmd", '-2'],
    ]);
  });

  it('writes an XLSX with both sheets, for several schools', async () => {
    const out = path.join(folder, 'hours.xlsx');
    const run = shixun(['export', '--year', '2026', '--format', 'xlsx', '--out', out, '--school', 'S001', '--school', 'S003', '--profile', 'homeroom-40-class-hours']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exported 3 teachers, 5 entries (2026, xlsx)');
    const book = await new ExcelJS.Workbook().xlsx.readFile(out);
    expect(book.worksheets.map((sheet) => [sheet.name, sheet.rowCount])).toEqual([
      ['summary', 4],
      ['detail', 6],
    ]);
    // The 40-class-hour profile: 张老师's 30 hours fall 10 short.
    const summary = book.getWorksheet('summary')!;
    const header = (summary.getRow(1).values as string[]).indexOf('差额学时 (Hours short, homeroom-new-pre-service)');
    const zhang = [2, 3, 4].map((n) => summary.getRow(n)).find((row) => row.getCell(1).value === '张老师')!;
    expect(zhang.getCell(header).value).toBe(10);
  });

  it('writes the summary as CSV with --sheet summary', () => {
    const out = path.join(folder, 'summary.csv');
    const run = shixun(['export', '--year', '2026', '--format', 'csv', '--sheet', 'summary', '--out', out, '--status', 'short']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exported 4 teachers (2026, csv)');
  });

  it('exits 2 with a clear message on bad options, writing nothing', () => {
    const out = path.join(folder, 'never.csv');
    const cases: [string[], RegExp][] = [
      [['--format', 'csv', '--out', out], /--year: must be a year/],
      [['--year', 'next', '--format', 'csv', '--out', out], /--year: must be a year/],
      [['--year', '2026', '--format', 'pdf', '--out', out], /--format: must be csv or xlsx/],
      [['--year', '2026', '--format', 'csv'], /--out: give the file to write/],
      [['--year', '2026', '--format', 'csv', '--out', out, '--category', 'cooking'], /--category/],
      [['--year', '2026', '--format', 'xlsx', '--out', out, '--sheet', 'summary'], /--sheet: only a CSV/],
      [['--year', '2026', '--format', 'csv', '--out', out, '--profile', 'nowhere'], /no policy profile "nowhere"/],
    ];
    for (const [args, message] of cases) {
      const run = shixun(['export', ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });
});
