export { CSV_BOM, csvRow } from './csv';
