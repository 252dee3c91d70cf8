// The .xlsx guard on its own, with small limits: every rule of the central directory check,
// the streaming inflate (actual sizes, CRC, hidden entries) and the worksheet scan.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS, type IoLimits } from '../../app/io/limits.js';
import { DtdScanner } from '../../app/io/dtd-scan.js';
import { SheetScanner } from '../../app/io/sheet-scan.js';
import { guardXlsx } from '../../app/io/zip-guard.js';
import { cellXml, rowsXml, workbookParts, worksheet, zeros, zip, type ZipInput } from '../integration/io-fixtures.test.js';

const KB = 1024;
const LIMITS: IoLimits = { ...DEFAULT_LIMITS, maxUncompressedBytes: 512 * KB, ratioFloorBytes: 64 * KB, maxRatio: 100, maxEntries: 20, maxRows: 50 };

describe('io: .xlsx guard', () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-io-zip-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function check(buf: Buffer | Promise<Buffer>, limits = LIMITS) {
    const file = join(dir, `${++n}.xlsx`);
    writeFileSync(file, await buf);
    return guardXlsx(file, limits);
  }
  async function refused(buf: Buffer | Promise<Buffer>, code: string, message?: RegExp, limits = LIMITS) {
    try {
      await check(buf, limits);
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code, e.message).to.equal(code);
      if (message) expect(e.message).to.match(message);
      return;
    }
    expect.fail(`accepted; expected ${code}`);
  }
  const book = (rows: Parameters<typeof rowsXml>[0], more: ZipInput[] = []) => zip([...workbookParts({ rows }), ...more]);
  const sheetOf = (data: ZipInput['data']) => workbookParts({ sheet: data });

  it('accepts a workbook and counts the rows below the header of the first sheet', async () => {
    const result = await check(book([['姓名', '电话'], ['a', 1], ['b', 2]]));
    expect(result).to.include({ dataRows: 2, firstSheet: 'xl/worksheets/sheet1.xml', entries: 5 });
    expect((await check(zip(workbookParts({ rows: [['a'], ['b']], descriptor: true })))).dataRows).to.equal(1);
  });

  it('refuses by declared total, declared ratio, entry count, and entries that lie about their size', async () => {
    await refused(zip([...sheetOf('<worksheet/>'), { name: 'xl/media/big.bin', data: Buffer.alloc(600 * KB, 1), store: true }]), 'archive_too_large', /declare .* uncompressed/);
    await refused(zip(sheetOf(zeros(200 * KB))), 'archive_too_large', /ratio of \d+:1/);
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `xl/x${i}.xml`, data: 'x' }));
    await refused(zip([...sheetOf('<worksheet/>'), ...many]), 'archive_too_large', /more than 20 entries/);
    const liar = sheetOf(zeros(2 * 1024 * KB)).map((p) => (p.name.endsWith('sheet1.xml') ? { ...p, declaredSize: 1000 } : p));
    await refused(zip(liar), 'archive_too_large', /more than the 1000 bytes it declares/);
    const smallLiar = sheetOf(worksheet(rowsXml([['a', 'b']]))).map((p) => (p.name.endsWith('sheet1.xml') ? { ...p, declaredSize: 10_000 } : p));
    await refused(zip(smallLiar), 'not_a_spreadsheet', /fails its check/);
    const total = workbookParts({ rows: [['a']] }).concat([{ name: 'a.bin', data: Buffer.alloc(300 * KB, 7), store: true }, { name: 'b.bin', data: Buffer.alloc(300 * KB, 8), store: true }]);
    await refused(zip(total), 'archive_too_large');
  });

  it('refuses bytes hidden between entries and an entry hidden inside another (zip smuggling)', async () => {
    const good = await book([['a', 'b']]);
    const cdOffset = good.readUInt32LE(good.length - 6);
    const junk = Buffer.concat([good.subarray(0, cdOffset), Buffer.from('HIDDEN'), good.subarray(cdOffset)]);
    junk.writeUInt32LE(cdOffset + 6, junk.length - 6);
    await refused(junk, 'not_a_spreadsheet', /unexpected bytes/);
    // A stored entry of unknown size whose data holds a descriptor signature and a local header:
    // a streaming reader would end it early and read the hidden entry that follows.
    const hidden = Buffer.concat([Buffer.from('payload'), Buffer.from([0x50, 0x4b, 0x07, 0x08]), Buffer.alloc(12), Buffer.from('PK\x03\x04fake', 'latin1')]);
    await refused(zip([...sheetOf('<worksheet/>'), { name: 'xl/evil.bin', data: hidden, store: true, descriptor: true }]), 'not_a_spreadsheet', /evil\.bin/);
  });

  it('refuses encryption, unsupported methods, duplicate names, damage, and what is not a workbook', async () => {
    const good = await book([['a']]);
    const cd = good.readUInt32LE(good.length - 6);
    const encrypted = Buffer.from(good);
    encrypted.writeUInt16LE(encrypted.readUInt16LE(cd + 8) | 1, cd + 8);
    await refused(encrypted, 'not_a_spreadsheet', /encrypted/);
    const method = Buffer.from(good);
    method.writeUInt16LE(12, cd + 10);
    await refused(method, 'not_a_spreadsheet', /method 12/);
    await refused(zip([...sheetOf('<worksheet/>'), { name: 'xl/workbook.xml', data: '<workbook/>' }]), 'not_a_spreadsheet', /appears twice/);
    await refused(good.subarray(0, good.length - 1), 'not_a_spreadsheet', /end of central directory/);
    const crc = Buffer.from(good);
    crc.writeUInt32LE((crc.readUInt32LE(cd + 16) ^ 1) >>> 0, cd + 16);
    await refused(crc, 'not_a_spreadsheet');
    await refused(zip([{ name: 'hello.txt', data: 'hi' }]), 'not_a_spreadsheet', /not an Excel workbook/);
    await refused(zip(workbookParts({ rows: [] }).filter((p) => !p.name.includes('worksheets'))), 'empty_sheet');
  });

  it('refuses too many rows and formulas while inflating, naming the formula cell', async () => {
    await refused(book(Array.from({ length: 52 }, (_, i) => [`r${i}`])), 'too_many_rows', /more than 50 data rows/);
    expect((await check(book(Array.from({ length: 51 }, (_, i) => [`r${i}`])))).dataRows).to.equal(50);
    await refused(book([['a', 'b'], ['x', { f: 'SUM(A1)', v: 1 }]]), 'formula_not_allowed', /cell B2/);
    const prefixed = worksheet(`<x:row r="1">${cellXml('A1', 'a')}</x:row><x:row r="2"><x:c r="C2"><x:f>1+1</x:f></x:c></x:row>`);
    await refused(zip(sheetOf(prefixed)), 'formula_not_allowed', /C2/);
  });

  it('the sheet scanner finds tags cut across chunks', () => {
    const xml = Buffer.from(worksheet(`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="AB2"><f>1</f></c></row>`));
    for (let size = 1; size < 12; size++) {
      const s = new SheetScanner(10);
      let error: Error | null = null;
      try {
        for (let i = 0; i < xml.length; i += size) s.push(xml.subarray(i, i + size));
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message, `chunk ${size}`).to.contain('cell AB2');
      expect(s.rows).to.equal(2);
    }
  });

  it('a DTD in any part (sheet, rels, docProps), any case, UTF-16 too: 422 dtd_not_allowed naming the part', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>`;
    await refused(zip(sheetOf(xxe)), 'dtd_not_allowed', /xl\/worksheets\/sheet1\.xml/);
    const rels = workbookParts({ rows: [['a']] }).map((p) => (p.name === '_rels/.rels' ? { ...p, data: `<?xml version="1.0"?><!doctype r SYSTEM "http://127.0.0.1:9/x.dtd">${String(p.data).replace(/^<\?xml[^>]*>/, '')}` } : p));
    await refused(zip(rels), 'dtd_not_allowed', /_rels\/\.rels/);
    const utf16 = workbookParts({ rows: [['a']] });
    utf16.push({ name: 'docProps/core.xml', data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE c><c/>', 'utf16le')]) });
    await refused(zip(utf16), 'dtd_not_allowed', /docProps\/core\.xml/);
    // Text that merely mentions it is escaped in XML, and "!" elsewhere is harmless.
    await check(zip(workbookParts({ rows: [['<!DOCTYPE html> and <!ENTITY>', 'Hi!']] })));
  });

  it('the DTD scanner finds the declaration cut across chunks, in UTF-8 and UTF-16', () => {
    for (const xml of [Buffer.from('<a>x!y</a><!-- ! --><!DOCTYPE a []>'), Buffer.from('<a>!</a><!ENTITY lol "lol">', 'utf16le')]) {
      for (let size = 1; size < 24; size++) {
        const s = new DtdScanner('part.xml');
        let error: Error | null = null;
        try {
          for (let i = 0; i < xml.length; i += size) s.push(xml.subarray(i, i + size));
        } catch (err) {
          error = err as Error;
        }
        expect((error as { code?: string } | null)?.code, `chunk ${size}`).to.equal('dtd_not_allowed');
      }
    }
  });
});
