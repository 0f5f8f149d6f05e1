import ExcelJS from 'exceljs';
import { escapeFormula, type CellValue, type Column, type ExportTarget, type RowSource } from './table';
import { openTarget, type OpenTarget } from './target';

/**
 * XLSX through exceljs's streaming `WorkbookWriter`: every row is committed (serialised into the
 * zip stream) as soon as it is added, so memory stays flat however long the sheet. Sheets are
 * written one after the other: a sheet is committed before the next is opened, because the zip
 * holds a later sheet's data in memory until the earlier one is done. String cells that start
 * like a formula get the same leading apostrophe as CSV cells (and exceljs writes every string
 * as text, never as a formula). The header row is bold and frozen, with a filter.
 */
export interface XlsxSheet<Row> {
  name: string;
  columns: readonly Column<Row>[];
  rows: RowSource<Row>;
}

/** Rows looked at to size columns that have no width of their own. */
const SAMPLE_ROWS = 100;
const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Columns as wide as the text, CJK characters counting double (as they display). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += (char.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return width;
}

function cellText(value: CellValue): string {
  if (value === undefined || value === null) return '';
  return value instanceof Date ? value.toISOString() : String(value);
}

function cellValue(value: CellValue): ExcelJS.CellValue {
  if (value === undefined) return null;
  return typeof value === 'string' ? escapeFormula(value) : value;
}

/** The few internals of exceljs's streaming writer we rely on beyond its typings. */
interface ZipInternals {
  zip?: { abort?: () => void };
}

export class XlsxWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private closed = false;

  private constructor(private readonly out: OpenTarget) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out.stream, useStyles: true, useSharedStrings: false });
  }

  static open(target: ExportTarget, options: { creator?: string } = {}): XlsxWriter {
    const writer = new XlsxWriter(openTarget(target));
    writer.workbook.creator = options.creator ?? 'Shixun';
    return writer;
  }

  /** Writes a whole sheet, row by row, and commits it. Returns the number of data rows. */
  async addSheet<Row>(sheet: XlsxSheet<Row>): Promise<number> {
    if (this.closed) throw new Error('the workbook is already closed');
    const { columns } = sheet;
    const lastColumn = columns.length > 0 ? columnName(columns.length) : 'A';
    const worksheet = this.workbook.addWorksheet(sheet.name, {
      views: [{ state: 'frozen', ySplit: 1 }],
      autoFilter: `A1:${lastColumn}1`,
    } as Partial<ExcelJS.AddWorksheetOptions>);

    const iterator = toAsyncIterator(sheet.rows);
    let count = 0;
    try {
      // The first rows decide the widths of columns that have none; they are written right after.
      const sample: Row[] = [];
      while (sample.length < SAMPLE_ROWS) {
        const next = await iterator.next();
        if (next.done) break;
        sample.push(next.value);
      }
      worksheet.columns = columns.map((column) => ({
        width:
          column.width ??
          Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, displayWidth(column.header), ...sample.map((row) => displayWidth(cellText(column.value(row))))) + 2),
      }));
      const header = worksheet.addRow(columns.map((column) => column.header));
      header.font = { bold: true };
      header.commit();

      const addRow = (row: Row) => {
        worksheet.addRow(columns.map((column) => cellValue(column.value(row)))).commit();
        count += 1;
      };
      for (const row of sample) addRow(row);
      sample.length = 0;
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        addRow(next.value);
        // exceljs does not wait for the zip: let it and the file catch up now and then.
        if (count % 1000 === 0) await this.catchUp();
      }
      worksheet.commit();
      return count;
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
  }

  /** Waits for the output stream to drain when its buffer is full. */
  private async catchUp(): Promise<void> {
    if (this.out.stream.writableNeedDrain) await this.out.drained();
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Writes the workbook's remaining parts and closes the file or stream. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.workbook.commit();
      await this.out.finish({ alreadyEnded: true });
    } catch (error) {
      await this.out.fail(error);
      throw error;
    }
  }

  /** Abandons the workbook: nothing is left at the path; a stream is destroyed. */
  async abort(error: unknown): Promise<void> {
    this.closed = true;
    (this.workbook as unknown as ZipInternals).zip?.abort?.();
    await this.out.fail(error);
  }
}

/**
 * Opens a workbook on the target, lets `build` add its sheets, and closes it; when `build`
 * throws, the workbook is abandoned (no file left behind) and the error rethrown.
 */
export async function writeXlsx<T>(target: ExportTarget, build: (workbook: XlsxWriter) => Promise<T>, options: { creator?: string } = {}): Promise<T> {
  const workbook = XlsxWriter.open(target, options);
  let result: T;
  try {
    result = await build(workbook);
  } catch (error) {
    await workbook.abort(error);
    throw error;
  }
  await workbook.close();
  return result;
}

/** A, B, … Z, AA, AB, … for a 1-based column number. */
function columnName(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function toAsyncIterator<Row>(rows: RowSource<Row>): AsyncIterator<Row> {
  if (Symbol.asyncIterator in rows) return (rows as AsyncIterable<Row>)[Symbol.asyncIterator]();
  const iterator = (rows as Iterable<Row>)[Symbol.iterator]();
  return {
    next: async () => iterator.next(),
    return: async (value?: unknown) => iterator.return?.(value) ?? { done: true, value: undefined },
  };
}
