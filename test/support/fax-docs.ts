// Documents for the fax tests, made with ghostscript: N pages, each with its page number in
// very large type; turned into a fax TIFF (what the far end sends) and rendered back to grey
// pixels (poppler's pdftoppm) to compare what arrived with what was sent, page by page.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PDF of `pages` US-letter pages, page i showing "i" in 360-point type and a line of text. */
export function numberedPdf(dir: string, pages: number, name = 'numbered'): string {
  const ps = [
    '%!PS-Adobe-3.0',
    '<< /PageSize [612 792] >> setpagedevice',
    ...Array.from({ length: pages }, (_, i) => {
      const n = String(i + 1);
      return [
        '/Helvetica-Bold findfont 420 scalefont setfont',
        `(${n}) dup stringwidth pop 612 exch sub 2 div 220 moveto show`,
        '/Helvetica findfont 28 scalefont setfont',
        `72 700 moveto (Hotline fax test - page ${n} of ${pages}) show`,
        'showpage',
      ].join('\n');
    }),
  ].join('\n');
  const psFile = join(dir, `${name}.ps`);
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(psFile, ps);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, psFile]);
  return pdf;
}

/** The fax image of a PDF: TIFF G4, 204x196 dpi, 1728 px wide (PBX-LAB.md). */
export function faxTiff(pdf: string, tif: string): string {
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=tiffg4', '-r204x196', '-g1728x2292', '-dFIXEDMEDIA', '-dPDFFitPage', `-sOutputFile=${tif}`, pdf]);
  return tif;
}

/** A PDF made from a fax TIFF (tiff2pdf), as Hotline files a received fax. */
export function tiffPdf(tif: string, pdf: string): string {
  execFileSync('tiff2pdf', ['-o', pdf, tif]);
  return pdf;
}

export function pdfPages(pdf: string): number {
  const m = /^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }));
  return m ? Number(m[1]) : 0;
}

export interface Gray {
  width: number;
  height: number;
  px: Buffer;
}

/** Every page of a PDF rendered grey at `dpi` (pdftoppm -gray), in order. */
export function renderPages(pdf: string, dpi = 30): Gray[] {
  const dir = mkdtempSync(join(tmpdir(), 'fax-render-'));
  execFileSync('pdftoppm', ['-gray', '-r', String(dpi), pdf, join(dir, 'p')]);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pgm'))
    .sort()
    .map((f) => parsePgm(readFileSync(join(dir, f))));
}

function parsePgm(b: Buffer): Gray {
  // P5\n<w> <h>\n<max>\n<bytes>
  const header = b.subarray(0, 64).toString('latin1');
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  if (!m) throw new Error('not a binary PGM');
  const width = Number(m[1]);
  const height = Number(m[2]);
  return { width, height, px: b.subarray(m[0].length, m[0].length + width * height) };
}

/** Mean absolute difference of two renderings (0..1); 1 when their sizes differ. */
export function pixelDifference(a: Gray, b: Gray): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let sum = 0;
  for (let i = 0; i < a.px.length; i++) sum += Math.abs(a.px[i]! - b.px[i]!);
  return sum / (a.px.length * 255);
}

/** A .docx made by LibreOffice from HTML (Chinese and English text), like a letter typed in Word. */
export function docxWithText(dir: string, html: string, name = 'letter'): string {
  const src = join(dir, `${name}.html`);
  writeFileSync(src, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:'Noto Sans CJK SC';font-size:28pt">${html}</body></html>`);
  execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${dir}/lo-profile`, '--convert-to', 'docx:MS Word 2007 XML', '--outdir', dir, src], { stdio: 'ignore', timeout: 120_000 });
  return join(dir, `${name}.docx`);
}

/** A PNG (ghostscript) with a large word on it. */
export function pngWithText(dir: string, text: string, name = 'picture'): string {
  const out = join(dir, `${name}.png`);
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pnggray', '-r60', '-g480x640', `-sOutputFile=${out}`, '-c', `/Helvetica-Bold findfont 120 scalefont setfont 40 300 moveto (${text}) show showpage`]);
  return out;
}

/** A PDF protected by a user password (it cannot be opened without it). */
export function encryptedPdf(dir: string, source: string): string {
  const out = join(dir, 'encrypted.pdf');
  execFileSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-sDEVICE=pdfwrite', '-sOwnerPassword=owner-secret', '-sUserPassword=user-secret', `-sOutputFile=${out}`, source]);
  return out;
}

/** A well-formed PDF with no pages at all. */
export function emptyPdf(dir: string): string {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>'];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  const out = join(dir, 'empty.pdf');
  writeFileSync(out, body);
  return out;
}
