// Checks an uploaded .xlsx before exceljs reads it: the central directory (zip-directory.ts),
// then every entry inflated as a stream with its actual size counted against what it declared
// and against the limits (a zip bomb stops at the limit, not at the end), its CRC checked,
// every part searched for a DTD (dtd-scan.ts) and the first worksheet scanned for its row
// count and formulas (sheet-scan.ts).
import { createReadStream } from 'node:fs';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';
import { AppError } from '../errors.js';
import { DtdScanner } from './dtd-scan.js';
import { ArchiveTooLargeError, EmptySheetError, mb, NotSpreadsheetError } from './io.errors.js';
import type { IoLimits } from './limits.js';
import { SheetScanner } from './sheet-scan.js';
import { checkRatio, DESCRIPTOR_SIGNATURE, readZipDirectory, type ZipEntry } from './zip-directory.js';

export interface XlsxCheck {
  entries: number;
  uncompressedBytes: number;
  /** Data rows of the first worksheet (rows below the first row). */
  dataRows: number;
  firstSheet: string;
}

const SHEET = /^xl\/worksheets\/sheet\d+\.xml$/;

export async function guardXlsx(path: string, limits: IoLimits): Promise<XlsxCheck> {
  const entries = await readZipDirectory(path, limits);
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('xl/workbook.xml') || !names.has('[Content_Types].xml')) {
    throw new NotSpreadsheetError('a zip archive, but not an Excel workbook (no xl/workbook.xml)');
  }
  const firstSheet = entries.find((e) => SHEET.test(e.name));
  if (!firstSheet) throw new EmptySheetError();
  let total = 0;
  let scanner: SheetScanner | null = null;
  for (const entry of entries) {
    const scan = entry === firstSheet ? (scanner = new SheetScanner(limits.maxRows)) : null;
    total += await inflateEntry(path, entry, limits, total, scan);
  }
  return { entries: entries.length, uncompressedBytes: total, dataRows: scanner!.dataRows, firstSheet: firstSheet.name };
}

/** Inflates one entry, counting; returns its actual uncompressed size. */
async function inflateEntry(path: string, e: ZipEntry, limits: IoLimits, before: number, scan: SheetScanner | null): Promise<number> {
  if (e.compressedSize === 0 && e.uncompressedSize === 0) return 0;
  let actual = 0;
  let crc = 0;
  let tail = Buffer.alloc(0);
  const dtd = new DtdScanner(e.name);
  const source = createReadStream(path, { start: e.dataStart, end: e.dataEnd - 1, highWaterMark: 64 * 1024 });
  // A streaming reader ends an entry of unknown size at the first descriptor signature.
  const noEarlySignature = new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const window = Buffer.concat([tail, chunk]);
      if (e.scannedDescriptor && window.indexOf(DESCRIPTOR_SIGNATURE) >= 0) return done(new NotSpreadsheetError(`damaged zip archive (entry ${e.name})`));
      tail = window.subarray(Math.max(0, window.length - 3));
      done(null, chunk);
    },
  });
  const count = new Writable({
    write(chunk: Buffer, _enc, done) {
      actual += chunk.length;
      if (actual > e.uncompressedSize) {
        return done(new ArchiveTooLargeError(`${e.name} unpacks to more than the ${e.uncompressedSize} bytes it declares`, { entry: e.name }));
      }
      if (before + actual > limits.maxUncompressedBytes) {
        return done(new ArchiveTooLargeError(`more than ${mb(limits.maxUncompressedBytes)} uncompressed`, { limit: limits.maxUncompressedBytes }));
      }
      crc = crc32(chunk, crc);
      try {
        dtd.push(chunk);
        scan?.push(chunk);
      } catch (err) {
        return done(err as Error);
      }
      done();
    },
  });
  try {
    if (e.method === 8) await pipeline(source, noEarlySignature, createInflateRaw(), count);
    else await pipeline(source, noEarlySignature, count);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new NotSpreadsheetError(`damaged zip archive (entry ${e.name} does not inflate)`);
  }
  if (actual !== e.uncompressedSize || crc !== e.crc32) throw new NotSpreadsheetError(`damaged zip archive (entry ${e.name} fails its check)`);
  checkRatio(e.name, actual, e.compressedSize, limits, 'has');
  return actual;
}
