// A small streaming CSV parser (RFC 4180, lenient): quoted fields with "" escapes and line
// breaks, CRLF/LF/CR line ends, a chosen delimiter. Bounded: a cell longer than maxCellChars
// is an error, cells right of maxColumns are dropped as they are parsed.
import { AppError } from '../errors.js';
import { CellTooLongError } from './io.errors.js';

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvParser {
  /** Records seen so far, blank lines included: the row number a spreadsheet would show. */
  records = 0;
  private state = S.FieldStart;
  private cell = '';
  private row: string[] = [];
  private skipLf = false;
  private out: Array<{ row: number; cells: string[] }> = [];

  constructor(
    private readonly delimiter: string,
    private readonly maxCellChars: number,
    private readonly maxColumns: number,
  ) {}

  push(text: string): Array<{ row: number; cells: string[] }> {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.skipLf) {
        this.skipLf = false;
        if (c === '\n') continue;
      }
      switch (this.state) {
        case S.Quoted:
          if (c === '"') this.state = S.QuoteInQuoted;
          else this.add(c);
          continue;
        case S.QuoteInQuoted:
          if (c === '"') {
            this.add('"');
            this.state = S.Quoted;
            continue;
          }
          this.state = S.Unquoted; // the closing quote; what follows is handled below
          break;
        case S.FieldStart:
          if (c === '"') {
            this.state = S.Quoted;
            continue;
          }
          this.state = S.Unquoted;
          break;
        default:
          break;
      }
      if (c === d) this.endCell();
      else if (c === '\n' || c === '\r') {
        this.endRecord();
        this.skipLf = c === '\r';
      } else this.add(c);
    }
    return this.take();
  }

  /** The end of the input; an unterminated quoted field is an error. */
  end(): Array<{ row: number; cells: string[] }> {
    if (this.state === S.Quoted) throw new CsvSyntaxError(this.records + 1);
    if (this.state !== S.FieldStart || this.row.length > 0) this.endRecord();
    return this.take();
  }

  private add(c: string): void {
    this.cell += c;
    if (this.cell.length > this.maxCellChars) throw new CellTooLongError(this.records + 1, this.maxCellChars);
  }

  private endCell(): void {
    if (this.row.length < this.maxColumns) this.row.push(this.cell);
    this.cell = '';
    this.state = S.FieldStart;
  }

  private endRecord(): void {
    this.endCell();
    this.records++;
    const blank = this.row.every((v) => v === '');
    if (!blank) this.out.push({ row: this.records, cells: this.row });
    this.row = [];
  }

  private take() {
    const out = this.out;
    this.out = [];
    return out;
  }
}

export class CsvSyntaxError extends AppError {
  constructor(row: number) {
    super(400, 'not_a_spreadsheet', `the file is not a readable spreadsheet: a quoted CSV field starting in row ${row} is never closed`, { row });
  }
}

/** The delimiter of the first line: the most frequent of , ; and tab outside quotes. */
export function guessDelimiter(firstChunk: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const c of firstChunk) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}
