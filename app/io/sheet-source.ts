// One way to read any upload: check the file as a whole first (zip guard for .xlsx, a scan
// pass for CSV: both count the rows and refuse before any parsing), then stream its rows.
import type { Cell, SheetRow } from './cells.js';
import { readCsvRows, scanCsv } from './csv-reader.js';
import type { IoLimits } from './limits.js';
import type { Format } from './sniff.js';
import { readXlsxRows } from './xlsx-reader.js';
import { guardXlsx } from './zip-guard.js';

export interface SheetSource {
  format: Format;
  /** Rows below the first row, as counted before parsing (blank rows included). */
  dataRows: number;
  rows: AsyncGenerator<SheetRow>;
}

const blank = (cells: Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

async function* nonBlank(rows: AsyncGenerator<SheetRow>): AsyncGenerator<SheetRow> {
  for await (const r of rows) if (!blank(r.cells)) yield r;
}

export async function openSheet(file: string, format: Format, limits: IoLimits): Promise<SheetSource> {
  if (format === 'xlsx') {
    const check = await guardXlsx(file, limits);
    return { format, dataRows: check.dataRows, rows: nonBlank(readXlsxRows(file, limits)) };
  }
  const info = await scanCsv(file, limits);
  return { format, dataRows: info.dataRows, rows: nonBlank(readCsvRows(file, info, limits)) };
}
