// Streams one worksheet to an .xlsx on any writable (an HTTP response, a file) with exceljs's
// streaming WorkbookWriter: each row is committed as it is added (nothing kept), no shared
// strings table (it would grow with the rows), every text cell neutralized (sanitize.ts),
// and the caller awaits drain() between pages so a slow reader slows the writer down.
import type { Writable } from 'node:stream';
import type { stream, Worksheet } from 'exceljs';
import { ExcelJS } from './exceljs.js';
import { safeValue } from './sanitize.js';

export interface SheetColumn {
  header: string;
  width?: number;
  /** Number format, e.g. 'yyyy-mm-dd hh:mm:ss' for dates, '@' for text typed by hand later. */
  numFmt?: string;
}

export const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

export class SheetWriter {
  private readonly wb: stream.xlsx.WorkbookWriter;
  private readonly ws: Worksheet;
  /** One style object per column, shared by its cells: exceljs caches a style by object, so
   *  a fresh copy per cell (its default) costs a style lookup with XML rendering per cell. */
  private readonly styles: Array<Record<string, unknown>>;
  rows = 0;

  constructor(
    private readonly out: Writable,
    sheetName: string,
    columns: SheetColumn[],
  ) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.wb.creator = 'Hotline';
    this.ws = this.wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.styles = columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : {}));
    this.ws.columns = columns.map((c, i) => ({ key: `c${i}`, width: c.width ?? 16, style: this.styles[i] }));
    const header = this.ws.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
  }

  /** Adds and commits one row; text values are neutralized, numbers and dates stay typed. */
  add(values: unknown[]): void {
    const row = this.ws.addRow(values.map((v) => (v === undefined ? null : safeValue(v))));
    const cells = (row as unknown as { _cells: Array<{ style: unknown } | undefined> })._cells;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell && this.styles[i]) cell.style = this.styles[i];
    }
    row.commit();
    this.rows++;
  }

  /**
   * Resolves when the output and the compressor can take more (or the output is gone: check
   * `closed`), and at least after one turn of the event loop, so other requests are served
   * between pages. exceljs hands each worksheet's XML to the zip compressor without waiting
   * (into a readable-stream PassThrough), so that stream's buffer is watched as well.
   */
  async drain(): Promise<void> {
    const sheet = (this.ws as unknown as { stream?: { pipes?: Writable[] } }).stream;
    for (const s of [sheet?.pipes?.[0], this.out]) {
      while (s && !this.closed && isFull(s)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            for (const e of ['drain', 'close', 'error']) s.off(e, done);
            this.out.off('close', done);
            resolve();
          };
          for (const e of ['drain', 'close', 'error']) s.on(e, done);
          this.out.on('close', done);
        });
      }
    }
    await new Promise((r) => setImmediate(r));
  }

  get closed(): boolean {
    return this.out.destroyed;
  }

  /** Another sheet after this one (small: a summary or notes), written when finishing. */
  private extra: Array<{ name: string; rows: unknown[][] }> = [];
  addSheet(name: string, rows: unknown[][]): void {
    this.extra.push({ name, rows });
  }

  async finish(): Promise<void> {
    this.ws.commit();
    for (const sheet of this.extra) {
      const ws = this.wb.addWorksheet(sheet.name);
      ws.columns = [{ width: 24 }, { width: 80 }];
      sheet.rows.forEach((r, i) => {
        const row = ws.addRow(r.map((v) => safeValue(v)));
        if (i === 0) row.font = { bold: true };
        row.commit();
      });
      ws.commit();
    }
    const out = this.out;
    const closedEarly = new Promise<void>((resolve, reject) => {
      out.once('close', () => (out.writableFinished ? resolve() : reject(new Error('the output closed before the workbook was written'))));
    });
    await Promise.race([this.wb.commit(), closedEarly]);
  }
}

/** A writable (node's or readable-stream's) holding at least its high-water mark. */
function isFull(s: Writable): boolean {
  const st = (s as unknown as { _writableState?: { length: number; highWaterMark: number; needDrain: boolean } })._writableState;
  return st ? st.needDrain || st.length >= st.highWaterMark : s.writableNeedDrain;
}
