import type { Writable } from 'node:stream';

/**
 * What every writer here takes: columns (a header and how to get the cell from a row) and rows
 * as an iterable, usually async (a database cursor), so a table of any length is written with
 * memory that does not grow with it. The writers know nothing about what the rows are.
 */
export type CellValue = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => CellValue;
  /** Width in characters (XLSX only); measured from the header and the first rows when absent. */
  width?: number;
}

export type RowSource<Row> = AsyncIterable<Row> | Iterable<Row>;

/** A file path (written beside it, then renamed into place), or a stream the writer ends. */
export type ExportTarget = string | Writable;

/**
 * Cells that a spreadsheet could take for a formula (`= + - @`, or a tab or carriage return
 * before one): OWASP's CSV-injection advice is a leading apostrophe, so they show as text.
 */
export const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
