// .xlsx rows with exceljs's streaming WorkbookReader (never the whole workbook in memory):
// the first worksheet only, cells turned into plain values. Formulas are refused (the guard
// has normally found them already); Excel error values stay CellError for row validation;
// XML that is not well-formed is a 400 (not_a_spreadsheet).
import type { Row } from 'exceljs';
import { ExcelJS, XmlSyntaxError } from './exceljs.js';
import { CellTooLongError, FormulaNotAllowedError, NotSpreadsheetError, TooManyRowsError } from './io.errors.js';
import type { IoLimits } from './limits.js';
import { CellError, columnLetter, type Cell, type SheetRow } from './cells.js';

type Limits = Pick<IoLimits, 'maxRows' | 'maxColumns' | 'maxCellChars'>;

export function toCell(value: unknown, ref: () => string, row: number, limits: Limits): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('formula' in v || 'sharedFormula' in v) throw new FormulaNotAllowedError(ref());
    if (typeof v.error === 'string') return new CellError(v.error);
    const rich = (r: unknown) => (Array.isArray(r) ? r.map((p) => String((p as { text?: unknown }).text ?? '')).join('') : '');
    if ('richText' in v) text = rich(v.richText);
    else if ('text' in v) text = typeof v.text === 'object' && v.text ? rich((v.text as { richText?: unknown }).richText) : String(v.text ?? '');
    else return null;
  } else return null;
  if (text.length > limits.maxCellChars) throw new CellTooLongError(row, limits.maxCellChars);
  return text;
}

export async function* readXlsxRows(file: string, limits: Limits): AsyncGenerator<SheetRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  const sheets = reader[Symbol.asyncIterator]();
  let rows: AsyncIterator<Row> | null = null;
  let finished = false;
  try {
    const first = await sheets.next();
    if (first.done) {
      finished = true;
      return;
    }
    rows = first.value[Symbol.asyncIterator]();
    let count = 0;
    for (let r = await rows.next(); !r.done; r = await rows.next()) {
      if (++count > limits.maxRows + 1) throw new TooManyRowsError(limits.maxRows);
      const row = r.value;
      const values = (row.values as unknown[]).slice(1, limits.maxColumns + 1);
      const cells: Cell[] = new Array<Cell>(values.length);
      for (let i = 0; i < values.length; i++) cells[i] = toCell(values[i], () => `${columnLetter(i)}${row.number}`, row.number, limits);
      if (cells.some((c) => c !== null && c !== '')) yield { row: row.number, cells };
    }
    // The other sheets are walked to the end so exceljs removes its temporary files.
    await skipRest(sheets);
    finished = true;
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new NotSpreadsheetError(`damaged XML inside the .xlsx file (${err.message.slice(0, 200)})`);
    throw err;
  } finally {
    if (!finished) void drain(rows, sheets);
  }
}

/**
 * Walks the remaining sheets, reading each one's rows: exceljs spools a sheet that comes
 * before the shared strings to a temp file and deletes it when the walk moves on, so a
 * sheet skipped unread would have its file deleted while its read stream is still opening
 * (an ENOENT with no listener: an uncaught exception).
 */
async function skipRest(sheets: AsyncIterator<unknown>): Promise<void> {
  for (let s = await sheets.next(); !s.done; s = await sheets.next()) {
    const rows = (s.value as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    while (!(await rows.next()).done);
  }
}

/** A reader stopped early still runs to its end in the background, so its temp files go. */
async function drain(rows: AsyncIterator<unknown> | null, sheets: AsyncIterator<unknown>): Promise<void> {
  try {
    if (rows) while (!(await rows.next()).done);
    await skipRest(sheets);
  } catch {
    // the file was bad: nothing more to read
  }
}
