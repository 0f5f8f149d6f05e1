export {
  exportFiltersSchema,
  parseExportFilters,
  ExportInputError,
  EXPORT_FORMATS,
  CSV_SHEETS,
  type ExportFilters,
  type ExportFiltersInput,
  type ExportFormat,
  type CsvSheet,
} from './filters';
export { exportLedger, exportLedgerCsv, exportLedgerXlsx, resolveProfile, type LedgerExportOptions, type LedgerExportResult, type ExportProgress } from './export';
export { judgementMoment, type SummaryRow } from './summary';
export {
  startExportJob,
  getExportJob,
  exportJobFilePath,
  exportsDir,
  ExportJobModel,
  EXPORT_JOB_STATUSES,
  PROGRESS_EVERY,
  STALE_AFTER_MS,
  INTERRUPTED,
  type ExportJob,
  type ExportJobStatus,
  type StartExportJobInput,
  type StartedExportJob,
} from './jobs';
