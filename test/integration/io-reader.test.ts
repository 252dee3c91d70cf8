// The streaming .xlsx reader on a workbook whose sheets come before its shared strings
// (what exceljs and Excel write): exceljs spools those sheets to temp files. Reading only
// the first sheet, or stopping early, must neither crash the process nor leave files behind.
// Nor may the walk over the zip's entries end before the last one when the reader is slow.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { iterateStream } from '../../app/io/exceljs.js';
import { DEFAULT_LIMITS } from '../../app/io/limits.js';
import { readXlsxRows } from '../../app/io/xlsx-reader.js';
import { readZipDirectory } from '../../app/io/zip-directory.js';

// The unzipper exceljs itself uses (not a dependency of Hotline's own).
const exceljsMain = createRequire(import.meta.url).resolve('exceljs');
const unzipper = createRequire(exceljsMain)('unzipper') as { Parse(o: { forceStream: boolean }): Duplex };
type ZipEntryStream = Readable & { path: string; autodrain(): { promise(): Promise<void> } };

describe('io: streaming xlsx reader and its temp files', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  const spooled = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`tmp-${process.pid}-`)).length;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-io-reader-'));
    file = join(dir, 'two-sheets.xlsx');
    const wb = new ExcelJS.Workbook();
    const a = wb.addWorksheet('客户');
    a.addRow(['姓名', '电话']);
    for (let i = 0; i < 200; i++) a.addRow([`客户${i}`, `1380013${String(i).padStart(4, '0')}`]);
    wb.addWorksheet('说明').addRow(['只读第一个工作表']);
    await wb.xlsx.writeFile(file);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the first sheet again and again, also stopping early, with no uncaught error and no temp file left', async () => {
    const before = spooled();
    for (let i = 0; i < 40; i++) {
      let n = 0;
      for await (const row of readXlsxRows(file, DEFAULT_LIMITS)) {
        n++;
        if (i % 2 === 1 && row.row === 5) break; // stop early: the rest drains in the background
      }
      expect(n).to.be.greaterThan(0);
    }
    // Background drains finish within a moment; an ENOENT on a deleted spool file would have
    // surfaced as an uncaught exception (mocha fails the test on it).
    await new Promise((r) => setTimeout(r, 500));
    expect(spooled()).to.equal(before);
  });

  it('walks every entry of the archive when the reader lingers after a worksheet, as exceljs does while it spools one to a temp file', async () => {
    const inDirectory = (await readZipDirectory(file, DEFAULT_LIMITS)).map((e) => e.name);
    const zip = createReadStream(file).pipe(unzipper.Parse({ forceStream: true }));
    const seen: string[] = [];
    for await (const item of iterateStream(zip)) {
      const entry = item as ZipEntryStream;
      seen.push(entry.path);
      await entry.autodrain().promise();
      // Meanwhile unzipper runs through the small entries behind this one to the end of the
      // archive and emits 'end' with them still in its buffer (exceljs's own walk stopped there).
      if (entry.path === 'xl/worksheets/sheet1.xml') await sleep(300);
    }
    expect(seen).to.include.members(['xl/workbook.xml', 'xl/sharedStrings.xml']);
    expect(seen).to.deep.equal(inDirectory);
  });
});
