// Outbound documents: what an upload is (by its bytes), turned into a PDF (LibreOffice for
// Word, Excel and images), checked (not encrypted, 1..max pages), with a cover page (from, to,
// subject, pages, a note; Chinese rendered with the Noto CJK fonts), and turned into the fax
// image Asterisk sends (TIFF G4, 204x196 dpi, 1728 px wide: PBX-LAB.md).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../errors.js';
import { pdfInfo, withTemp } from './fax.convert.js';

const run = promisify(execFile);

export class FaxDocumentError extends AppError {
  constructor(code: string, message: string, status = 400) {
    super(status, code, message);
  }
}

export type DocKind = 'pdf' | 'docx' | 'xlsx' | 'png' | 'jpeg';
const EXT: Record<DocKind, string> = { pdf: 'pdf', docx: 'docx', xlsx: 'xlsx', png: 'png', jpeg: 'jpg' };

/** The kind of an upload by its first bytes (a zip by the part names it holds); null: no document we fax. */
export function documentKind(b: Buffer): DocKind | null {
  if (b.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'png';
  if (b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex'))) return 'jpeg';
  if (b.subarray(0, 4).equals(Buffer.from('504b0304', 'hex'))) {
    // Part names are stored uncompressed in the zip's headers.
    const names = b.toString('latin1');
    if (names.includes('word/document.xml')) return 'docx';
    if (names.includes('xl/workbook.xml')) return 'xlsx';
  }
  return null;
}

export interface CoverFields {
  from: string;
  to: string;
  subject: string;
  note: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function coverHtml(c: CoverFields, pages: number, at: Date): string {
  const row = (k: string, v: string) => `<tr><td style="padding:6pt 18pt 6pt 0"><b>${k}</b></td><td>${esc(v)}</td></tr>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{font-family:'Noto Sans CJK SC','Noto Sans',sans-serif;font-size:13pt}h1{font-size:30pt}</style></head><body>
<h1>传真 FAX</h1><table>${row('发件人 From', c.from)}${row('收件人 To', c.to)}${row('主题 Subject', c.subject)}${row('页数 Pages', String(pages))}${row('日期 Date', at.toISOString().slice(0, 16).replace('T', ' '))}</table>
<p style="margin-top:24pt;white-space:pre-wrap">${esc(c.note)}</p></body></html>`;
}

/** LibreOffice, headless, with a profile of its own (two conversions at once do not collide). */
async function soffice(dir: string, file: string, html = false): Promise<string> {
  const out = join(dir, 'out');
  // HTML through Writer itself (not Writer/Web, whose export breaks a short page in two).
  const how = html ? ['--infilter=HTML (StarWriter)', '--convert-to', 'pdf:writer_pdf_Export'] : ['--convert-to', 'pdf'];
  await run('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, ...how, '--outdir', out, file], { timeout: 120_000 });
  // LibreOffice says nothing useful on failure: no PDF in the output directory (or none at all) is the failure.
  const made = existsSync(out) ? (await readdir(out)).find((f) => f.endsWith('.pdf')) : undefined;
  if (!made) throw new FaxDocumentError('conversion_failed', 'the document could not be converted to PDF', 422);
  return join(out, made);
}

export interface PreparedFax {
  /** Cover (if any) and document, as one PDF: what is kept and what is faxed. */
  pdf: Buffer;
  pages: number;
  documentPages: number;
  kind: DocKind;
}

/** Checks and converts an upload; throws FaxDocumentError (4xx) for anything that must not be faxed. */
export async function prepareDocument(content: Buffer, o: { maxPages: number; cover?: CoverFields; now?: Date }): Promise<PreparedFax> {
  const kind = documentKind(content);
  if (!kind) throw new FaxDocumentError('not_a_document', 'the file is not a document Hotline faxes: PDF, Word (.docx), Excel (.xlsx), PNG or JPEG', 415);
  return withTemp(async (dir) => {
    const src = join(dir, `upload.${EXT[kind]}`);
    await writeFile(src, content);
    const docPdf = kind === 'pdf' ? src : await soffice(dir, src);
    let info: { pages: number; encrypted: boolean };
    try {
      info = await pdfInfo(await readFile(docPdf));
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? '');
      if (/password/i.test(msg)) throw new FaxDocumentError('encrypted_document', 'the PDF is encrypted (password protected): send it unprotected');
      if (/page count 0|page range/i.test(msg)) throw new FaxDocumentError('empty_document', 'the document has no pages');
      throw new FaxDocumentError('unreadable_document', 'the PDF cannot be read');
    }
    if (info.encrypted) throw new FaxDocumentError('encrypted_document', 'the PDF is encrypted (password protected): send it unprotected');
    if (info.pages < 1) throw new FaxDocumentError('empty_document', 'the document has no pages');
    const tooMany = (n: number) => new FaxDocumentError('too_many_pages', `the fax would have ${n} pages; at most ${o.maxPages} are sent`);
    let total = info.pages + (o.cover ? 1 : 0);
    if (total > o.maxPages) throw tooMany(total);
    const parts = [docPdf];
    if (o.cover) {
      const html = join(dir, 'cover.html');
      await writeFile(html, coverHtml(o.cover, total, o.now ?? new Date()));
      const cover = await soffice(join(dir, 'cover'), html, true);
      // A long note can make the cover longer than a page.
      total = info.pages + (await pdfInfo(await readFile(cover))).pages;
      if (total > o.maxPages) throw tooMany(total);
      parts.unshift(cover);
    }
    const merged = join(dir, 'fax.pdf');
    // Every page fitted to A4/Letter-like fax paper, in order (cover first).
    await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', '-sPAPERSIZE=a4', '-dFIXEDMEDIA', '-dPDFFitPage', `-sOutputFile=${merged}`, ...parts], { timeout: 120_000 });
    const pdf = await readFile(merged);
    const pages = (await pdfInfo(pdf)).pages;
    if (pages !== total) throw new FaxDocumentError('conversion_failed', `the converted fax has ${pages} pages, expected ${total}`, 422);
    return { pdf, pages, documentPages: info.pages, kind };
  });
}

/** The fax image of a PDF, written to `tif`: TIFF G4, 204x196 dpi, 1728x2292 px pages. */
export async function writeFaxImage(pdf: Buffer, tif: string): Promise<void> {
  await withTemp(async (dir) => {
    const src = join(dir, 'fax.pdf');
    await writeFile(src, pdf);
    await run('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=tiffg4', '-r204x196', '-g1728x2292', '-dFIXEDMEDIA', '-dPDFFitPage', `-sOutputFile=${tif}`, src], { timeout: 120_000 });
  });
}
