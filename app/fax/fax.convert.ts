// Fax images and PDFs with Debian's tools (PBX-LAB.md): tiff2pdf (libtiff-tools) files a
// received TIFF as a PDF; pdfinfo (poppler-utils) counts pages.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function withTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hotline-fax-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A received fax TIFF as a PDF (one page per fax page). */
export async function tiffToPdf(tif: string): Promise<Buffer> {
  return withTemp(async (dir) => {
    const out = join(dir, 'fax.pdf');
    await run('tiff2pdf', ['-o', out, tif], { timeout: 60_000 });
    return readFile(out);
  });
}

/** pdfinfo of a PDF: its pages, and whether it is encrypted; throws when it is no PDF poppler can read. */
export async function pdfInfo(pdf: Buffer): Promise<{ pages: number; encrypted: boolean }> {
  return withTemp(async (dir) => {
    const file = join(dir, 'doc.pdf');
    await writeFile(file, pdf);
    const { stdout } = await run('pdfinfo', [file], { timeout: 30_000 });
    const pages = /^Pages:\s+(\d+)/m.exec(stdout);
    return { pages: pages ? Number(pages[1]) : 0, encrypted: /^Encrypted:\s+yes/m.test(stdout) };
  });
}
