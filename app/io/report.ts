// The error report of an import: every rejected row with its original cells and the reason
// (validation errors from the staging file, conflicts found against the database), the rows
// merged into an earlier row (the same customer twice), and a summary sheet. Always written,
// also when no row was rejected.
import { createWriteStream } from 'node:fs';
import { columnLetter } from './cells.js';
import { readStaging } from './staging.js';
import { SheetWriter } from './xlsx-writer.js';

export interface ReportInput {
  file: string;
  staging: string | null;
  headers: string[];
  /** Row number -> reason, for rows rejected after validation. */
  conflicts: ReadonlyMap<number, string>;
  summary: Array<[string, string | number]>;
}

export async function writeReport(input: ReportInput): Promise<number> {
  const out = createWriteStream(input.file);
  const width = input.headers.length;
  const headers = input.headers.map((h, i) => h || columnLetter(i));
  const writer = new SheetWriter(out, '错误 Errors', [{ header: '行号 Row', width: 10 }, ...headers.map((header) => ({ header })), { header: '错误 Error', width: 60 }]);
  const merged: unknown[][] = [['行号 Row', ...headers, '合并到 Merged with']];
  if (input.staging) {
    for await (const staged of readStaging(input.staging)) {
      if (staged.mergedInto !== undefined) merged.push([staged.row, ...fit(staged.cells, width), `merged with row ${staged.mergedInto}`]);
      const error = staged.error ?? input.conflicts.get(staged.row);
      if (!error) continue;
      writer.add([staged.row, ...fit(staged.cells, width), error]);
      await writer.drain();
    }
  }
  const rows = writer.rows;
  writer.addSheet('汇总 Summary', [['项目 Item', '值 Value'], ...input.summary]);
  if (merged.length > 1) writer.addSheet('合并 Merged', merged);
  await writer.finish();
  return rows;
}

function fit<T>(cells: T[], width: number): Array<T | null> {
  const out: Array<T | null> = cells.slice(0, width);
  while (out.length < width) out.push(null);
  return out;
}
