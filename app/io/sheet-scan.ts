// Scans a worksheet's XML as it is inflated, before exceljs parses it: counts <row> elements
// (so an oversized sheet is refused after reading only as far as the limit) and finds the
// first formula (<f>), naming its cell. Tags are ASCII, so latin1 decoding is enough.
import { FormulaNotAllowedError, TooManyRowsError } from './io.errors.js';

const TAG = /<(?:[A-Za-z_][\w.-]*:)?(row|c|f)(?=[\s/>])([^>]*)>/g;
const REF = /\sr\s*=\s*["']([A-Z]{1,3}[0-9]{1,7})["']/;
const MAX_CARRY = 8192;

export class SheetScanner {
  rows = 0;
  private carry = '';
  private lastCell: string | null = null;

  /** @param maxDataRows rows allowed below the header row */
  constructor(private readonly maxDataRows: number) {}

  push(chunk: Buffer): void {
    const s = this.carry + chunk.toString('latin1');
    const lt = s.lastIndexOf('<');
    const cut = lt >= 0 && s.indexOf('>', lt) < 0 ? lt : s.length;
    this.carry = s.length - cut > MAX_CARRY ? '' : s.slice(cut);
    const text = cut === s.length ? s : s.slice(0, cut);
    for (const m of text.matchAll(TAG)) {
      if (m[1] === 'row') {
        if (++this.rows > this.maxDataRows + 1) throw new TooManyRowsError(this.maxDataRows);
      } else if (m[1] === 'c') {
        this.lastCell = REF.exec(m[2] ?? '')?.[1] ?? null;
      } else {
        throw new FormulaNotAllowedError(this.lastCell);
      }
    }
  }

  /** Data rows, not counting the header row. */
  get dataRows(): number {
    return Math.max(0, this.rows - 1);
  }
}
