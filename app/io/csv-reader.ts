// CSV uploads, read as a stream twice: a quick first pass finds the encoding (UTF-8 with or
// without BOM, UTF-16 with BOM, else GB18030 as Chinese Excel saves CSV), the delimiter and
// the row count (refusing binary data and too many rows); the second pass yields the rows.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { NotSpreadsheetError, TooManyRowsError } from './io.errors.js';
import type { IoLimits } from './limits.js';
import { CsvParser, guessDelimiter } from './csv-parse.js';

export interface CsvInfo {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  delimiter: string;
  dataRows: number;
}

async function bomEncoding(file: string): Promise<CsvInfo['encoding'] | null> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(3);
    const { bytesRead } = await fh.read(b, 0, 3, 0);
    if (bytesRead >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
    if (bytesRead >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
    if (bytesRead === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
    return null;
  } finally {
    await fh.close();
  }
}

/** Decoded text chunks of the file (BOM dropped); a byte sequence invalid in `encoding` throws. */
async function* decode(file: string, encoding: CsvInfo['encoding']): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (text.includes('\u0000')) throw new NotSpreadsheetError('it holds binary data, not CSV text');
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

async function scan(file: string, encoding: CsvInfo['encoding'], limits: IoLimits): Promise<CsvInfo> {
  let parser: CsvParser | null = null;
  let delimiter = ',';
  let rows = 0;
  for await (const text of decode(file, encoding)) {
    if (!parser) parser = new CsvParser((delimiter = guessDelimiter(text)), limits.maxCellChars, limits.maxColumns);
    rows += parser.push(text).length;
    if (rows > limits.maxRows + 1) throw new TooManyRowsError(limits.maxRows);
  }
  if (parser) rows += parser.end().length;
  if (rows > limits.maxRows + 1) throw new TooManyRowsError(limits.maxRows);
  return { encoding, delimiter, dataRows: Math.max(0, rows - 1) };
}

export async function scanCsv(file: string, limits: IoLimits): Promise<CsvInfo> {
  const bom = await bomEncoding(file);
  if (bom) return scan(file, bom, limits).catch((err) => rethrowDecoding(err, bom));
  try {
    return await scan(file, 'utf-8', limits);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
  return scan(file, 'gb18030', limits).catch((err) => rethrowDecoding(err, 'UTF-8 or GB18030'));
}

function rethrowDecoding(err: unknown, encoding: string): never {
  if (err instanceof TypeError) throw new NotSpreadsheetError(`it is not ${encoding} text`);
  throw err;
}

export async function* readCsvRows(file: string, info: CsvInfo, limits: IoLimits): AsyncGenerator<{ row: number; cells: string[] }> {
  const parser = new CsvParser(info.delimiter, limits.maxCellChars, limits.maxColumns);
  for await (const text of decode(file, info.encoding)) yield* parser.push(text);
  yield* parser.end();
}
