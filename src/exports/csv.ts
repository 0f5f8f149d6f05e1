import { escapeFormula, type CellValue, type Column, type ExportTarget, type RowSource } from './table';
import { openTarget } from './target';

/**
 * CSV that Excel and WPS open correctly: UTF-8 with a byte-order mark, CRLF line ends, and cells
 * that start like a formula (= + - @, or a tab/carriage return before one) prefixed with an
 * apostrophe so a spreadsheet shows them as text instead of running them.
 */
export const CSV_BOM = '\uFEFF';

export function csvRow(cells: readonly CellValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: CellValue): string {
  if (value === undefined || value === null) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string') text = escapeFormula(text);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams a table as CSV (BOM, header row, one line per row) to a file or a writable stream,
 * waiting for the stream to drain so memory stays flat however many rows there are. A file
 * appears under its name only once complete; on failure nothing is left behind and the error is
 * rethrown.
 */
export async function writeCsv<Row>(target: ExportTarget, columns: readonly Column<Row>[], rows: RowSource<Row>, options: { bom?: boolean } = {}): Promise<{ rows: number }> {
  const out = openTarget(target);
  let count = 0;
  try {
    let chunk = (options.bom === false ? '' : CSV_BOM) + csvRow(columns.map((column) => column.header));
    for await (const row of rows) {
      chunk += csvRow(columns.map((column) => column.value(row)));
      count += 1;
      if (chunk.length >= CHUNK_CHARS) {
        await out.write(chunk);
        chunk = '';
      }
    }
    if (chunk) await out.write(chunk);
    await out.finish();
    return { rows: count };
  } catch (error) {
    await out.fail(error);
    throw error;
  }
}
