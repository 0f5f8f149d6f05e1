/**
 * CSV that Excel and WPS open correctly: UTF-8 with a byte-order mark, CRLF line ends, and cells
 * that start like a formula (= + - @, or a tab/carriage return before one) prefixed with an
 * apostrophe so a spreadsheet shows them as text instead of running them.
 */
export const CSV_BOM = '\uFEFF';

export function csvRow(cells: readonly (string | number | boolean | Date | undefined | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: string | number | boolean | Date | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
