import { parse, CsvError } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { isZip, officeKind } from './zip';

/**
 * An import file read as a table: a header row and data rows, each with the line (CSV) or row
 * (XLSX) number the registrar sees for it, cells as text, numbers or dates. Which column means
 * what is `import.ts`'s business.
 */

/** A cell: text (trimmed), a number, or a date (XLSX date cells: the day Excel shows, at 00:00 UTC). */
export type Cell = string | number | Date;

export interface TableRow {
  /** 1-based: the CSV line the record starts on, or the XLSX row number. */
  row: number;
  cells: Cell[];
}

export interface Table {
  format: 'csv' | 'xlsx';
  header?: TableRow;
  rows: TableRow[];
  /** Why the file could not be read as a table (no rows then). */
  problem?: { row: number; message: string };
}

/** A spreadsheet that would inflate to more than this is refused before it is opened. */
export const MAX_XLSX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
/** Far above any real row; bounds what one crafted record can make the parser hold. */
const MAX_CSV_RECORD_BYTES = 64 * 1024;

export const isEmptyCell = (cell: Cell | undefined) => cell === undefined || cell === '';

const BOM = [0xef, 0xbb, 0xbf];

function readCsv(input: Buffer): Table {
  const table: Table = { format: 'csv', rows: [] };
  if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) {
    return { ...table, problem: { row: 0, message: 'the file is UTF-16 text: save it as "CSV UTF-8" (or as .xlsx)' } };
  }
  const buffer = BOM.every((byte, i) => input[i] === byte) ? input.subarray(3) : input;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return { ...table, problem: { row: 0, message: 'the file is not UTF-8 text (GBK/ANSI?): in Excel choose "CSV UTF-8 (comma delimited)", or upload the .xlsx' } };
  }

  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(buffer, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: MAX_CSV_RECORD_BYTES,
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    return { ...table, problem: { row: typeof line === 'number' ? line : 0, message: `the CSV cannot be read: ${error.message}` } };
  }

  // Line numbers from byte offsets: a record starts where the one before ended, after any empty
  // lines; line breaks are \n, \r\n or \r, and a quoted field may span several lines.
  let offset = 0;
  let line = 1;
  const advanceTo = (target: number) => {
    while (offset < target) {
      const byte = buffer[offset];
      if (byte === 0x0d) {
        line += 1;
        if (buffer[offset + 1] === 0x0a) offset += 1;
      } else if (byte === 0x0a) line += 1;
      offset += 1;
    }
  };
  let end = 0;
  for (const { record, info } of records) {
    let start = end;
    while (start < buffer.length && (buffer[start] === 0x0a || buffer[start] === 0x0d)) start += 1;
    advanceTo(start);
    const row: TableRow = { row: line, cells: record };
    end = info.bytes;
    if (row.cells.every(isEmptyCell)) continue;
    if (table.header) table.rows.push(row);
    else table.header = row;
  }
  return table;
}

type ExcelValue = ExcelJS.CellValue;

/** The value a cell shows: a formula's result, a link's text, rich text joined. */
function excelCell(value: ExcelValue): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('').trim();
  if ('hyperlink' in value) return excelCell((value as { text: ExcelValue }).text);
  if ('error' in value) return value.error;
  if ('result' in value) return excelCell(value.result as ExcelValue);
  return '';
}

async function readXlsx(buffer: Buffer): Promise<Table> {
  const table: Table = { format: 'xlsx', rows: [] };
  const office = officeKind(buffer);
  if (!office.ok || office.kind !== 'xlsx') {
    return { ...table, problem: { row: 0, message: `not an Excel workbook (.xlsx): ${office.ok ? 'it is a Word document' : office.problem}` } };
  }
  const inflated = office.entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (inflated > MAX_XLSX_UNCOMPRESSED_BYTES) {
    return { ...table, problem: { row: 0, message: `the workbook would unpack to ${Math.round(inflated / 1024 / 1024)} MB; split it into smaller files` } };
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    return { ...table, problem: { row: 0, message: `the workbook cannot be read: ${(error as Error).message}` } };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ...table, problem: { row: 0, message: 'the workbook has no worksheet' } };
  sheet.eachRow({ includeEmpty: false }, (excelRow, rowNumber) => {
    const cells: Cell[] = [];
    for (let column = 1; column <= excelRow.cellCount; column += 1) cells.push(excelCell(excelRow.getCell(column).value));
    if (cells.every(isEmptyCell)) return;
    const row: TableRow = { row: rowNumber, cells };
    if (table.header) table.rows.push(row);
    else table.header = row;
  });
  return table;
}

/** Reads a CSV (UTF-8, with or without BOM) or an XLSX (its first worksheet), told apart by content. */
export async function readTable(input: Uint8Array): Promise<Table> {
  const buffer = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buffer.length >= 4 && buffer.readUInt32BE(0) === 0xd0cf11e0) {
    return { format: 'xlsx', rows: [], problem: { row: 0, message: 'an old Excel file (.xls): save it as .xlsx or as "CSV UTF-8"' } };
  }
  return isZip(buffer) ? readXlsx(buffer) : readCsv(buffer);
}
