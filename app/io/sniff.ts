// Which format an upload is: the declared type (Content-Type or ?format=) checked against
// the file's first bytes, so a renamed file is caught before any parser sees it.
import { open } from 'node:fs/promises';
import { NotSpreadsheetError, UnsupportedMediaTypeError, XLSX_TYPE } from './io.errors.js';

export type Format = 'xlsx' | 'csv';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'text/plain', 'text/tab-separated-values']);
// Types that say nothing (Windows browsers send application/vnd.ms-excel for .csv): decide by content.
const SNIFF_TYPES = new Set(['', 'application/octet-stream', 'application/vnd.ms-excel', 'application/zip', 'application/x-zip-compressed', 'binary/octet-stream']);

export function declaredFormat(contentType: string | undefined, format?: Format): Format | 'sniff' {
  if (format) return format;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === XLSX_TYPE) return 'xlsx';
  if (CSV_TYPES.has(type)) return 'csv';
  if (SNIFF_TYPES.has(type)) return 'sniff';
  throw new UnsupportedMediaTypeError(type);
}

const MAGIC: Array<[string, Buffer]> = [
  ['a legacy .xls workbook or a password-protected file; save it as .xlsx without a password', Buffer.from('d0cf11e0a1b11ae1', 'hex')],
  ['a PDF document', Buffer.from('%PDF')],
  ['a PNG image', Buffer.from('89504e47', 'hex')],
  ['a JPEG image', Buffer.from('ffd8ff', 'hex')],
  ['a GIF image', Buffer.from('GIF8')],
  ['a gzip archive', Buffer.from('1f8b', 'hex')],
  ['a 7-Zip archive', Buffer.from('377abcaf271c', 'hex')],
  ['a RAR archive', Buffer.from('Rar!')],
  ['an empty zip archive', Buffer.from('504b0506', 'hex')],
];
const ZIP = Buffer.from('504b0304', 'hex');

/** The format of the spooled file, or a 400 that says what the file is instead. */
export async function detectFormat(file: string, declared: Format | 'sniff'): Promise<Format> {
  const fh = await open(file, 'r');
  const head = Buffer.alloc(8);
  let n: number;
  try {
    ({ bytesRead: n } = await fh.read(head, 0, 8, 0));
  } finally {
    await fh.close();
  }
  if (n === 0) throw new NotSpreadsheetError('the upload is empty');
  const bytes = head.subarray(0, n);
  for (const [what, magic] of MAGIC) if (bytes.subarray(0, magic.length).equals(magic)) throw new NotSpreadsheetError(`it is ${what}`);
  const zip = bytes.subarray(0, 4).equals(ZIP);
  if (declared === 'xlsx' && !zip) throw new NotSpreadsheetError('an .xlsx file is a zip archive, and this is not one');
  if (declared === 'csv' && zip) throw new NotSpreadsheetError('this is a zip archive (an .xlsx file?), not CSV text; send it as .xlsx');
  return zip ? 'xlsx' : 'csv';
}
