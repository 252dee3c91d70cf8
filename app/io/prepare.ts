// Opening an upload for import, before a job exists: the whole-file checks (format, zip
// guard or CSV scan, row limit, formulas), then the header row found and mapped (title rows
// above it are skipped) and the first data row read, so a file without one is refused now.
import type { SheetRow } from './cells.js';
import { assertNoDuplicates, mapHeaderRow, type ColumnMap, type HeaderAttempt, type HeaderDictionary, type ImportField } from './headers.js';
import { EmptySheetError, MissingColumnsError } from './io.errors.js';
import type { IoLimits } from './limits.js';
import { openSheet } from './sheet-source.js';
import type { Format } from './sniff.js';

/** Rows searched for the header row (a title row or two above it is common). */
const HEADER_SEARCH_ROWS = 10;

export interface PreparedSheet {
  format: Format;
  map: ColumnMap;
  /** Rows below the header row, as counted before parsing. */
  dataRows: number;
  /** The data rows, once. */
  rows(): AsyncGenerator<SheetRow>;
  close(): Promise<void>;
}

export async function prepareSheet(file: string, format: Format, limits: IoLimits, fields: readonly ImportField[], dict: HeaderDictionary): Promise<PreparedSheet> {
  const source = await openSheet(file, format, limits);
  const close = async () => {
    await source.rows.return(undefined);
  };
  try {
    let best: HeaderAttempt | null = null;
    let header: HeaderAttempt | null = null;
    let headerRow = 1;
    for (let i = 0; i < HEADER_SEARCH_ROWS && !header; i++) {
      const r = await source.rows.next();
      if (r.done) break;
      const attempt = mapHeaderRow(r.value.cells, fields, dict);
      if (!best || attempt.map.fields.size > best.map.fields.size) best = attempt;
      if (attempt.missing.length === 0) {
        header = attempt;
        headerRow = r.value.row;
      }
    }
    if (!best) throw new EmptySheetError();
    if (!header) throw new MissingColumnsError(best.missing.map((f) => `${f.label.zh} / ${f.label.en}`), best.map.headers.filter(Boolean));
    assertNoDuplicates(header);
    const first = await source.rows.next();
    if (first.done) throw new EmptySheetError();
    const firstRow = first.value;
    let rest: AsyncGenerator<SheetRow> | null = source.rows;
    return {
      format,
      map: header.map,
      dataRows: Math.max(1, source.dataRows - (headerRow - 1)),
      async *rows() {
        try {
          yield firstRow;
          if (rest) yield* rest;
        } finally {
          rest = null; // the reader (and its shared strings) can go once the rows are read
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
