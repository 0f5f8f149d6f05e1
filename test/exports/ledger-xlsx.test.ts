import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { exportLedgerXlsx, type ExportProgress } from '../../src/ledger/exports';
import { useTestDatabase } from '../support/database';
import { seedDistrict } from './fixtures';

useTestDatabase();

const folder = mkdtempSync(path.join(tmpdir(), 'shixun-ledger-xlsx-'));

function table(sheet: ExcelJS.Worksheet): Record<string, ExcelJS.CellValue>[] {
  const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
  const rows: Record<string, ExcelJS.CellValue>[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    rows.push(Object.fromEntries(headers.map((header, i) => [header, row.getCell(i + 1).value])));
  });
  return rows;
}

describe('ledger export as XLSX', () => {
  let district: Awaited<ReturnType<typeof seedDistrict>>;
  beforeAll(async () => {
    district = await seedDistrict();
  });

  it('has a summary and a detail sheet, Chinese headers, the right rows and totals, and formula-like text as text', async () => {
    const file = path.join(folder, 'ledger.xlsx');
    const reports: ExportProgress[] = [];
    const result = await exportLedgerXlsx(file, { filters: { trainingYear: 2026 }, profileId: 'default', asOf: new Date('2026-11-23T08:00:00Z'), progress: (p) => reports.push(p) });
    expect(result).toEqual({ teachers: 4, entries: 8 });
    expect(reports.at(-1)).toEqual({ processed: 12, total: 12, phase: 'detail' });
    expect(reports.filter((p) => p.phase === 'summary')).toHaveLength(4);

    const book = await new ExcelJS.Workbook().xlsx.readFile(file);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['summary', 'detail']);
    const summarySheet = book.getWorksheet('summary')!;
    const detailSheet = book.getWorksheet('detail')!;
    expect(summarySheet.getRow(1).getCell(1).value).toBe('教师 (Teacher)');
    expect(summarySheet.getRow(1).font?.bold).toBe(true);
    expect(detailSheet.getRow(1).getCell(8).value).toBe('学时 (Hours)');

    const summary = table(summarySheet);
    expect(summary.map((row) => [row['教师 (Teacher)'], row['2026 年度学时合计 (Total hours, 2026)']])).toEqual([
      ["'+1", 12],
      [`'=HYPERLINK("x")`, 20],
      ["'@cmd", 3],
      ['张老师', 30],
    ]);
    expect(summary[1]!['在岗班主任每年专题培训不少于 20 学时 (homeroom-inservice-annual)']).toBe('达标 (met)');
    expect(summary[0]!['差额学时 (Hours short, homeroom-inservice-annual)']).toBe(8);

    const detail = table(detailSheet);
    expect(detail).toHaveLength(8);
    const hours = detail.map((row) => row['学时 (Hours)'] as number);
    expect(hours.reduce((sum, h) => sum + h, 0)).toBe(12 + 20 + 3 + 30);
    expect(hours).toContain(-2);
    const reversal = detail.find((row) => row['学时 (Hours)'] === -2)!;
    expect(reversal['冲销对象 (Reversal of)']).toBe(district.safety.entryId);

    // Names that look like formulas are strings (with the apostrophe), never formulas.
    for (const sheet of [summarySheet, detailSheet]) {
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula).toBeUndefined();
        }),
      );
    }
    const formulaLike = detailSheet.getColumn(1).values.filter((value) => typeof value === 'string' && /^'[=+@]/.test(value));
    expect(formulaLike).toEqual(expect.arrayContaining([`'=HYPERLINK("x")`, "'+1", "'@cmd"]));
  });

  it('writes an empty scope as two sheets with headers only', async () => {
    const file = path.join(folder, 'empty.xlsx');
    expect(await exportLedgerXlsx(file, { filters: { trainingYear: 2026, schoolCodes: [] }, profileId: 'default' })).toEqual({ teachers: 0, entries: 0 });
    const book = await new ExcelJS.Workbook().xlsx.readFile(file);
    expect(book.worksheets.map((sheet) => [sheet.name, sheet.rowCount])).toEqual([
      ['summary', 1],
      ['detail', 1],
    ]);
  });
});
