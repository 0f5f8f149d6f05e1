export { CSV_BOM, csvRow, writeCsv } from './csv';
export { XlsxWriter, writeXlsx, displayWidth, type XlsxSheet } from './xlsx';
export { escapeFormula, FORMULA_START, type CellValue, type Column, type ExportTarget, type RowSource } from './table';
