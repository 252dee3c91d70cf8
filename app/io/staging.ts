// Every data row of an import, as read, with its validation error or its parsed form:
// written as NDJSON while the file is read, read back in batches for the database and to
// build the error report. Keeps the rows out of memory however long the file is.
import { closeSync, createReadStream, createWriteStream, openSync, readSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { CellError, type Cell } from './cells.js';

export type ShownCell = string | number | boolean | null;
export interface StagedRow<T = unknown> {
  row: number;
  cells: ShownCell[];
  error: string | null;
  /** The parsed row, when it is valid. */
  ok?: T;
  /** The earlier row this one was merged into (the same customer twice). */
  mergedInto?: number;
}

const shown = (c: Cell): ShownCell => (c instanceof CellError ? c.code : c);

export class StagingWriter {
  private readonly out: WriteStream;
  private failed: Error | null = null;
  /** Lines gathered into ~64 KB writes: fewer, larger chunks waiting on the disk. */
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: 'wx' });
    this.out.on('error', (err) => (this.failed = err));
  }

  async write(row: number, cells: Cell[], error: string | null, ok?: unknown, mergedInto?: number): Promise<void> {
    if (this.failed) throw this.failed;
    const line = JSON.stringify({ row, cells: cells.map(shown), error, ok, mergedInto } satisfies StagedRow);
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= 64 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending.length) return;
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingChars = 0;
    if (!this.out.write(chunk)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (this.failed) throw this.failed;
  }

  destroy(): void {
    this.out.destroy();
  }
}

export async function* readStaging(file: string): AsyncGenerator<StagedRow> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as StagedRow;
}

/**
 * Valid rows read back in batches with synchronous reads, so reading between two batches of
 * a transaction never gives the event loop a turn (see customer-run.ts on SQLite).
 */
export class StagingBatches<T> {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(256 * 1024);
  private readonly decoder = new StringDecoder('utf8');
  private lines: string[] = [];
  private at = 0;
  private carry = '';
  private eof = false;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
  }

  /** Up to n valid rows (null when there are no more). */
  next(n: number): Array<T> | null {
    const out: T[] = [];
    for (let line = this.line(); line !== null; line = out.length < n ? this.line() : null) {
      const staged = JSON.parse(line) as StagedRow<T>;
      if (staged.ok) out.push(staged.ok);
      if (out.length >= n) break;
    }
    return out.length ? out : null;
  }

  close(): void {
    closeSync(this.fd);
  }

  private line(): string | null {
    while (this.at >= this.lines.length) {
      if (this.eof) return null;
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      const text = this.carry + (n ? this.decoder.write(this.buf.subarray(0, n)) : this.decoder.end());
      const parts = text.split('\n');
      this.carry = n ? parts.pop()! : '';
      this.eof = n === 0;
      this.lines = parts.filter(Boolean);
      this.at = 0;
    }
    return this.lines[this.at++]!;
  }
}
