// Page thumbnails of a fax's PDF for the console: one page rendered to PNG by pdftoppm
// (poppler-utils), 240 px wide, kept in a small in-memory cache (a fax's PDF never changes once
// stored, so a cached page is never stale).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withTemp } from './fax.convert.js';

const run = promisify(execFile);
export const THUMBNAIL_WIDTH = 240;

export class FaxThumbnails {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 300) {}

  /** PNG of page `page` (1-based) of `pdf`, from the cache when rendered before. */
  async page(faxId: string, page: number, pdf: () => Promise<Buffer>): Promise<Buffer> {
    const key = `${faxId}:${page}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit;
    }
    const png = await render(await pdf(), page);
    this.cache.set(key, png);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    return png;
  }
}

async function render(pdf: Buffer, page: number): Promise<Buffer> {
  return withTemp(async (dir) => {
    const src = join(dir, 'fax.pdf');
    await writeFile(src, pdf);
    await run('pdftoppm', ['-f', String(page), '-l', String(page), '-png', '-singlefile', '-scale-to-x', String(THUMBNAIL_WIDTH), '-scale-to-y', '-1', src, join(dir, 'thumb')], { timeout: 30_000 });
    return readFile(join(dir, 'thumb.png'));
  });
}
