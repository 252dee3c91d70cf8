// What a row of any sheet is once read: cells as plain values (text, number, boolean, empty,
// or an Excel error value), never exceljs objects.
export class CellError {
  constructor(readonly code: string) {}
  toString(): string {
    return this.code;
  }
}

export type Cell = string | number | boolean | null | CellError;

export interface SheetRow {
  /** The row number a spreadsheet program shows (1 = the first row). */
  row: number;
  cells: Cell[];
}

/** Column letters of a 0-based column index: 0 -> A, 27 -> AB. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A cell as text for validation and reports ('' when empty). */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isInteger(cell) ? cell.toFixed(0) : String(cell);
  return String(cell);
}
