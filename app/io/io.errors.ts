// Errors of Excel/CSV import and export. Every file-level problem is a 4xx thrown before
// anything is written; row-level problems end up in the job's counts and error report.
import { AppError } from '../errors.js';

export const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export class UploadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'upload_too_large', `the uploaded file is larger than the ${mb(limitBytes)} limit`, { limitBytes });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(contentType: string) {
    super(415, 'unsupported_media_type', `send the file as .xlsx (${XLSX_TYPE}) or .csv (text/csv), not ${contentType || 'no content type'}`, { contentType });
  }
}

/** The bytes are not a spreadsheet we read (text, a renamed zip, a legacy .xls, garbage ...). */
export class NotSpreadsheetError extends AppError {
  constructor(reason: string) {
    super(400, 'not_a_spreadsheet', `the file is not a readable spreadsheet: ${reason}`);
  }
}

/** A zip bomb, or simply too much once unpacked. */
export class ArchiveTooLargeError extends AppError {
  constructor(reason: string, details?: unknown) {
    super(422, 'archive_too_large', `the .xlsx file unpacks to too much data: ${reason}`, details);
  }
}

export class EmptySheetError extends AppError {
  constructor() {
    super(422, 'empty_sheet', 'the first sheet has no data rows (a header row and at least one row below it are needed)');
  }
}

export class TooManyRowsError extends AppError {
  constructor(limit: number) {
    super(422, 'too_many_rows', `the sheet has more than ${limit.toLocaleString('en-US')} data rows; split it into smaller files`, { limit });
  }
}

export class FormulaNotAllowedError extends AppError {
  constructor(cell: string | null) {
    super(
      422,
      'formula_not_allowed',
      `cell ${cell ?? '(unknown)'} holds a formula; imports take values only (copy the column and paste it as values)`,
      { cell },
    );
  }
}

/**
 * A DTD in any XML part of an .xlsx: Excel and LibreOffice never write one, and it is how XML
 * carries entities (external ones that read files or URLs, nested ones that expand without
 * limit: "billion laughs"). Refused before any XML parser sees the part.
 */
export class DtdNotAllowedError extends AppError {
  constructor(entry: string) {
    super(
      422,
      'dtd_not_allowed',
      `the part ${entry} of the .xlsx file declares a DTD (<!DOCTYPE> or <!ENTITY>), which spreadsheet programs never write; imports refuse it (open the file in Excel or LibreOffice and save it again)`,
      { entry },
    );
  }
}

export class MissingColumnsError extends AppError {
  constructor(missing: string[], found: string[]) {
    super(422, 'missing_columns', `required column(s) missing: ${missing.join(', ')}; found: ${found.length ? found.join(', ') : '(none)'}`, {
      missing,
      found,
    });
  }
}

export class DuplicateColumnError extends AppError {
  constructor(field: string, headers: string[]) {
    super(422, 'duplicate_column', `more than one column maps to ${field}: ${headers.join(', ')}`, { field, headers });
  }
}

export class CellTooLongError extends AppError {
  constructor(row: number, limit: number) {
    super(422, 'cell_too_long', `row ${row} has a cell longer than ${limit} characters`, { row, limit });
  }
}

/** All-or-nothing import with bad rows: nothing was written; the report lists every bad row. */
export class RowsRejectedError extends AppError {
  constructor(rejected: number, details: unknown) {
    super(422, 'rows_rejected', `${rejected} row(s) are invalid; nothing was imported (see the error report, or import with mode=skip-bad-rows)`, details);
  }
}

export class JobFinishedError extends AppError {
  constructor(id: string, status: string) {
    super(409, 'job_finished', `import ${id} has already ended (${status})`, { status });
  }
}

export class ReportNotReadyError extends AppError {
  constructor(id: string) {
    super(409, 'report_not_ready', `the report of import ${id} is not ready yet (the import is still running)`);
  }
}

export class ImportCancelledError extends AppError {
  constructor() {
    super(409, 'import_cancelled', 'the import was cancelled; nothing was imported');
  }
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
