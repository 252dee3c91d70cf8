// A contacts list from a file (.xlsx or .csv), with the io module's readers and guards: the
// upload streamed to disk with a size limit, the format sniffed, an .xlsx zip-guarded (bombs,
// DTDs) before any parsing. The body is the file itself or a multipart form with a `file` part.
// The first row names the columns; every row is checked, and any bad row refuses the whole list.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizePhone } from '../crm/phone.js';
import { cellText } from '../io/cells.js';
import { NotSpreadsheetError } from '../io/io.errors.js';
import { DEFAULT_LIMITS } from '../io/limits.js';
import { openSheet } from '../io/sheet-source.js';
import { declaredFormat, detectFormat, type Format } from '../io/sniff.js';
import { spoolUpload } from '../io/upload.js';
import type { Logger } from '../logger.js';
import { ImportInvalidError } from './campaign.errors.js';
import type { NewContact } from './campaign.service.js';

const PHONE = ['phone', '电话', '手机', '手机号', 'mobile', '电话号码', '手机号码'];
const NAME = ['name', '姓名', '客户姓名'];
export const MAX_CONTACTS = 5000;
const MAX_FIELDS = 20;
const MAX_BYTES = 10 * 1024 * 1024;

export interface ImportedRow extends NewContact {
  row: number;
}

const header = (s: string) => s.normalize('NFKC').trim().toLowerCase();

/** The part named `file` of a multipart/form-data body, written to `out`; its declared format. */
async function multipartFile(spooled: string, contentType: string, out: string): Promise<Format | 'sniff'> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new NotSpreadsheetError('a multipart body without a boundary');
  const body = await readFile(spooled);
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let at = body.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', start);
    if (headEnd < 0) break;
    const head = body.subarray(start, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
    if (next < 0) break;
    if (/content-disposition:[^\r\n]*\bname="file"/i.test(head)) {
      await writeFile(out, body.subarray(headEnd + 4, next));
      const fileName = /filename="([^"]*)"/i.exec(head)?.[1] ?? '';
      if (/\.xlsx$/i.test(fileName)) return 'xlsx';
      if (/\.(csv|txt)$/i.test(fileName)) return 'csv';
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      try {
        return declaredFormat(type);
      } catch {
        return 'sniff';
      }
    }
    at = next + 2;
  }
  throw new NotSpreadsheetError('the form has no part named file');
}

/** Reads the uploaded list. 400 import_invalid with every bad row ({row, message}); nothing is kept on disk. */
export async function readContactsUpload(req: IncomingMessage, log: Logger): Promise<ImportedRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-campaign-'));
  try {
    const spooled = join(dir, 'upload');
    await spoolUpload(req, spooled, MAX_BYTES, log);
    const type = req.headers['content-type'] ?? '';
    let file = spooled;
    let declared: Format | 'sniff';
    if (/^multipart\/form-data/i.test(type)) {
      file = join(dir, 'file');
      declared = await multipartFile(spooled, type, file);
    } else declared = declaredFormat(type);
    const format = await detectFormat(file, declared);
    const sheet = await openSheet(file, format, { ...DEFAULT_LIMITS, maxUploadBytes: MAX_BYTES, maxRows: MAX_CONTACTS + 1000 });
    return await readRows(sheet.rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The rows of a list (header first) as contacts, or 400 import_invalid naming each bad row. */
export async function readRows(rows: AsyncIterable<{ row: number; cells: unknown[] }>): Promise<ImportedRow[]> {
  const errors: Array<{ row: number; message: string }> = [];
  const out: ImportedRow[] = [];
  let heads: string[] | null = null;
  let phoneCol = -1;
  let nameCol = -1;
  for await (const r of rows) {
    const cells = r.cells.map((c) => cellText(c as never).trim());
    if (!heads) {
      heads = cells;
      phoneCol = cells.findIndex((h) => PHONE.includes(header(h)));
      nameCol = cells.findIndex((h) => NAME.includes(header(h)));
      const others = cells.filter((h, i) => h && i !== phoneCol && i !== nameCol);
      if (phoneCol < 0) errors.push({ row: r.row, message: `no phone column: name one ${PHONE.slice(0, 5).join(' / ')}` });
      if (others.length > MAX_FIELDS) errors.push({ row: r.row, message: `${others.length} other columns: at most ${MAX_FIELDS}` });
      const seen = new Set<string>();
      for (const h of others) {
        if (seen.has(header(h))) errors.push({ row: r.row, message: `the column ${h} is named twice` });
        seen.add(header(h));
      }
      if (errors.length) break;
      continue;
    }
    if (out.length + errors.length >= MAX_CONTACTS) {
      errors.push({ row: r.row, message: `more than ${MAX_CONTACTS} contacts: split the list` });
      break;
    }
    const raw = cells[phoneCol] ?? '';
    const name = nameCol >= 0 ? (cells[nameCol] ?? '') : '';
    const fields: Record<string, string> = {};
    heads.forEach((h, i) => {
      if (h && i !== phoneCol && i !== nameCol && cells[i]) fields[h.slice(0, 40)] = cells[i]!.slice(0, 500);
    });
    if (!raw) errors.push({ row: r.row, message: 'the phone is empty' });
    else if (!normalizePhone(raw) || raw.length > 40) errors.push({ row: r.row, message: `${raw} is not a phone number` });
    else if (name.length > 100) errors.push({ row: r.row, message: 'the name is longer than 100 characters' });
    else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(name + Object.values(fields).join(''))) errors.push({ row: r.row, message: 'control characters' });
    else out.push({ row: r.row, phone: raw, name, fields });
  }
  if (!heads) errors.push({ row: 1, message: 'the file is empty: a header row, then a contact a row' });
  else if (!errors.length && !out.length) errors.push({ row: 2, message: 'no contact below the header row' });
  if (errors.length) throw new ImportInvalidError(`${errors.length} bad row(s) in the list (row ${errors[0]!.row}: ${errors[0]!.message}); nothing was added`, { rows: errors.slice(0, 200) });
  return out;
}
