// .xlsx rows with exceljs's streaming WorkbookReader (never the whole workbook in memory):
// the first worksheet only, cells turned into plain values. Formulas are refused (the guard
// has normally found them already); Excel error values stay CellError for row validation.
import type { Row } from 'exceljs';
import { ExcelJS } from './exceljs.js';
import { CellTooLongError, FormulaNotAllowedError, TooManyRowsError } from './io.errors.js';
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
    // The other sheets are not read; walking to the end lets exceljs remove its temporary files.
    while (!(await sheets.next()).done);
    finished = true;
  } finally {
    if (!finished) void drain(rows, sheets);
  }
}

/** A reader stopped early still runs to its end in the background, so its temp files go. */
async function drain(rows: AsyncIterator<unknown> | null, sheets: AsyncIterator<unknown>): Promise<void> {
  try {
    if (rows) while (!(await rows.next()).done);
    while (!(await sheets.next()).done);
  } catch {
    // the file was bad: nothing more to read
  }
}
