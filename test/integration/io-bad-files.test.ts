// Bad uploads get a clear 4xx and change nothing: on real SQLite and MariaDB, every case is
// checked against a snapshot (row counts + checksum) of the customer tables taken before.
import { expect } from 'chai';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DB_KINDS } from '../support/db.js';
import { cellXml, excelFile, rowsXml, minimalXlsx, post, snapshot, startIoApp, workbookParts, worksheet, zeros, zip, XLSX, type IoApp, type Snapshot } from './io-fixtures.test.js';

const MB = 1024 * 1024;

/** 1,048,576 rows (Excel's maximum), generated as a stream. */
function millionRowSheet(): () => Iterable<Buffer> {
  return function* () {
    yield Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`);
    yield Buffer.from(`<row r="1">${cellXml('A1', '姓名')}${cellXml('B1', '电话')}</row>`);
    let part: string[] = [];
    for (let r = 2; r <= 1_048_576; r++) {
      part.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>n${r}</t></is></c><c r="B${r}"><v>${13_000_000_000 + r}</v></c></row>`);
      if (part.length === 10_000) {
        yield Buffer.from(part.join(''));
        part = [];
      }
    }
    yield Buffer.from(`${part.join('')}</sheetData></worksheet>`);
  };
}

/** Sends `total` bytes in 1 MiB chunks with http.request; resolves with the status and body. */
function streamUpload(base: string, total: number, declareLength: boolean): Promise<{ status: number; body: any; sent: number }> {
  const url = new URL(`${base}/io/imports/customers?wait=true`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    const headers: Record<string, string | number> = { 'content-type': XLSX };
    if (declareLength) headers['content-length'] = total;
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sent });
      });
    });
    // Writing may fail once the server has answered and closed; only a missing answer is an error.
    req.on('error', (err) => setTimeout(() => reject(err), 2000).unref());
    const chunk = Buffer.alloc(MB, 0x41);
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

for (const kind of DB_KINDS) {
  describe(`io import, bad files (${kind}): a clear 4xx and nothing changed`, function () {
    this.timeout(120_000);
    let app: IoApp;
    let was: Snapshot;

    before(async () => {
      app = await startIoApp(kind);
      const seed = await excelFile([['姓名', '电话', '公司'], ['王五', '13700137000', '老客户'], ['赵六', '+86 21 5555 0000', '']]);
      const seeded = await post(app.base, seed);
      expect(seeded.status, JSON.stringify(seeded.body)).to.equal(200);
      expect(seeded.body.counts.created).to.equal(2);
    });
    after(() => app?.close());
    beforeEach(async () => {
      was = await snapshot(app.ds);
    });
    afterEach(async () => {
      expect(await snapshot(app.ds), 'database exactly as before').to.deep.equal(was);
      expect(readdirSync(join(app.workDir, 'uploads')).filter((f) => !f.endsWith('.xlsx')), 'no upload or staging file left').to.deep.equal([]);
    });

    async function rejected(res: { status: number; body: any }, status: number, code: string): Promise<string> {
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(res.body.error.message).to.be.a('string').and.not.empty;
      return res.body.error.message as string;
    }

    it('text, an image, a PDF or an empty body: 400 not_a_spreadsheet', async () => {
      await rejected(await post(app.base, 'hello, this is not a workbook'), 400, 'not_a_spreadsheet');
      await rejected(await post(app.base, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')), 400, 'not_a_spreadsheet');
      expect(await rejected(await post(app.base, '%PDF-1.7\n', 'wait=true&format=csv', 'text/csv'), 400, 'not_a_spreadsheet')).to.contain('PDF');
      await rejected(await post(app.base, Buffer.alloc(0)), 400, 'not_a_spreadsheet');
      await rejected(await post(app.base, Buffer.from([0x00, 0x01, 0x02, 0x00, 0xff, 0x00]), 'wait=true', 'text/csv'), 400, 'not_a_spreadsheet');
    });

    it('a renamed zip (no workbook inside), a legacy .xls, a zip sent as CSV: 400', async () => {
      const plainZip = await zip([{ name: 'readme.txt', data: 'hello' }]);
      expect(await rejected(await post(app.base, plainZip), 400, 'not_a_spreadsheet')).to.contain('not an Excel workbook');
      const docx = await zip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'word/document.xml', data: '<w:document/>' }]);
      await rejected(await post(app.base, docx), 400, 'not_a_spreadsheet');
      const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
      expect(await rejected(await post(app.base, ole), 400, 'not_a_spreadsheet')).to.contain('.xls');
      await rejected(await post(app.base, await minimalXlsx([['姓名', '电话'], ['a', '123']]), 'wait=true', 'text/csv'), 400, 'not_a_spreadsheet');
    });

    it('a content type that is no spreadsheet: 415 before the body is read', async () => {
      await rejected(await post(app.base, '{"a":1}', 'wait=true', 'application/json'), 415, 'unsupported_media_type');
      await rejected(await post(app.base, 'x', 'wait=true', 'image/png'), 415, 'unsupported_media_type');
    });

    it('an empty sheet, or a header row only: 422 empty_sheet', async () => {
      await rejected(await post(app.base, await minimalXlsx([])), 422, 'empty_sheet');
      await rejected(await post(app.base, await excelFile([['姓名', '电话']])), 422, 'empty_sheet');
      await rejected(await post(app.base, '姓名,电话\r\n', 'wait=true', 'text/csv'), 422, 'empty_sheet');
    });

    it('a required column missing: 422 missing_columns naming it; two name columns: 422 duplicate_column', async () => {
      const res = await post(app.base, await excelFile([['Name', 'Company'], ['Ann', 'ACME']]));
      expect(await rejected(res, 422, 'missing_columns')).to.contain('Phone');
      expect(res.body.error.details.missing).to.deep.equal(['电话 / Phone']);
      expect(res.body.error.details.found).to.deep.equal(['Name', 'Company']);
      await rejected(await post(app.base, await excelFile([['姓名', 'Name', '电话'], ['a', 'b', '13800000001']])), 422, 'duplicate_column');
    });

    it('wrong types (text VIP level, TRUE as phone, an error value, a bad ID): 422 rows_rejected, every row explained', async () => {
      const file = await excelFile([
        ['姓名', '电话', 'VIP等级', 'ID'],
        ['好人', '13800000001', 1, ''],
        ['甲', '13800000002', 'gold', ''],
        ['乙', true, 2, ''],
        [{ error: '#N/A' }, '13800000003', 0, ''],
        ['丙', '13800000004', 3.5, ''],
        ['丁', '13800000005', 1, 'not-a-uuid'],
      ]);
      const res = await post(app.base, file);
      expect(await rejected(res, 422, 'rows_rejected')).to.contain('5 row(s)');
      const job = res.body.error.details;
      expect(job.status).to.equal('rejected');
      expect(job.applied).to.equal(false);
      expect(job.errors.map((e: { row: number }) => e.row)).to.deep.equal([3, 4, 5, 6, 7]);
      expect(job.errors[0].message).to.contain('"gold" is not a whole number');
      expect(job.errors[1].message).to.contain('expected text, found TRUE');
      expect(job.errors[2].message).to.contain('#N/A');
      expect(job.errors[3].message).to.contain('"3.5"');
      expect(job.errors[4].message).to.contain('not a customer ID');
      was.jobs += 1; // the rejected import is on record as a job
    });

    it('formulas in cells: 422 formula_not_allowed naming the cell (also shared formulas, and read by exceljs)', async () => {
      const formula = await minimalXlsx([['姓名', '电话'], ['a', '13800000001'], ['b', { f: 'B2+1', v: 13800000002 }]]);
      const res = await post(app.base, formula);
      expect(await rejected(res, 422, 'formula_not_allowed')).to.contain('B3');
      const shared = await zip(workbookParts({ sheet: worksheet(`<row r="1">${cellXml('A1', '姓名')}${cellXml('B1', '电话')}</row><row r="2">${cellXml('A2', 'x')}<c r="B2"><f t="shared" si="0"/><v>1</v></c></row>`) }));
      await rejected(await post(app.base, shared), 422, 'formula_not_allowed');
      const viaExceljs = await excelFile([['姓名', '电话'], ['c', { formula: '"1380000"&"0003"', result: '13800000003' }]]);
      await rejected(await post(app.base, viaExceljs), 422, 'formula_not_allowed');
    });

    it('a 100 MB upload: 413 at the 20 MB limit, declared or streamed, never buffered whole', async () => {
      const rss = process.memoryUsage().rss;
      const declared = await streamUpload(app.base, 100 * MB, true);
      expect(declared.status).to.equal(413);
      expect(declared.body.error.code).to.equal('upload_too_large');
      expect(declared.body.error.message).to.contain('20 MB');
      const chunked = await streamUpload(app.base, 100 * MB, false);
      expect(chunked.status).to.equal(413);
      expect(chunked.body.error.code).to.equal('upload_too_large');
      expect(process.memoryUsage().rss - rss, 'memory did not grow by the upload').to.be.below(60 * MB);
    });

    it('a zip bomb: 422 archive_too_large, by declared size, by ratio, and when the sizes lie', async () => {
      const big = await zip(workbookParts({ sheet: zeros(300 * MB) }));
      expect(big.length).to.be.below(1 * MB);
      expect(await rejected(await post(app.base, big), 422, 'archive_too_large')).to.match(/200 MB|ratio/);
      const dense = await zip(workbookParts({ sheet: zeros(30 * MB) }));
      expect(await rejected(await post(app.base, dense), 422, 'archive_too_large')).to.contain('ratio');
      const started = Date.now();
      const liar = await zip(workbookParts({ sheet: zeros(300 * MB) }).map((p) => (p.name.endsWith('sheet1.xml') ? { ...p, declaredSize: 2048 } : p)));
      expect(await rejected(await post(app.base, liar), 422, 'archive_too_large')).to.contain('declares');
      expect(Date.now() - started, 'stopped at the lie, not after 300 MB').to.be.below(5000);
      const liarWithDescriptor = await zip(workbookParts({ sheet: zeros(300 * MB), descriptor: true }).map((p) => (p.name.endsWith('sheet1.xml') ? { ...p, declaredSize: 2048 } : p)));
      await rejected(await post(app.base, liarWithDescriptor), 422, 'archive_too_large');
    });

    it('a sheet with 1,048,576 rows: 422 too_many_rows, refused after the limit is read', async () => {
      const huge = await zip(workbookParts({ sheet: millionRowSheet() }));
      expect(huge.length).to.be.below(20 * MB);
      const started = Date.now();
      expect(await rejected(await post(app.base, huge), 422, 'too_many_rows')).to.contain('200,000');
      expect(Date.now() - started).to.be.below(20_000);
      const csv = `姓名,电话\n${Array.from({ length: 200_001 }, (_, i) => `n${i},${13_000_000_000 + i}`).join('\n')}`;
      await rejected(await post(app.base, csv, 'wait=true', 'text/csv'), 422, 'too_many_rows');
    });

    it('a damaged or encrypted zip, and an unterminated CSV quote: 400', async () => {
      const good = await minimalXlsx([['姓名', '电话'], ['a', '13800000001']]);
      await rejected(await post(app.base, good.subarray(0, good.length - 30)), 400, 'not_a_spreadsheet');
      const flipped = Buffer.from(good);
      flipped[flipped.length - 200] ^= 0xff;
      expect([400, 422]).to.include((await post(app.base, flipped)).status);
      const encrypted = Buffer.from(good);
      const cd = encrypted.readUInt32LE(encrypted.length - 6);
      encrypted.writeUInt16LE(encrypted.readUInt16LE(cd + 8) | 1, cd + 8);
      expect(await rejected(await post(app.base, encrypted), 400, 'not_a_spreadsheet')).to.contain('encrypted');
      await rejected(await post(app.base, '姓名,电话\n"open,13800000001\n', 'wait=true', 'text/csv'), 400, 'not_a_spreadsheet');
    });

    it('a DTD in the XML (external entities, "billion laughs"): 422 dtd_not_allowed naming the part, nothing fetched', async () => {
      let fetched = 0;
      const bait = createServer((_req, res) => {
        fetched++;
        res.end('<!ENTITY leak "leaked">');
      });
      await new Promise<void>((r) => bait.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(bait.address() as AddressInfo).port}/evil.dtd`;
      try {
        const xxe = workbookParts({
          sheet: `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY web SYSTEM "${url}">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rowsXml([['姓名', '电话']])}<row r="2"><c r="A2" t="inlineStr"><is><t>&file;&web;</t></is></c><c r="B2"><v>13800000001</v></c></row></sheetData></worksheet>`,
        });
        const res = await post(app.base, await zip(xxe));
        expect(await rejected(res, 422, 'dtd_not_allowed')).to.contain('xl/worksheets/sheet1.xml');
        expect(res.body.error.details).to.deep.equal({ entry: 'xl/worksheets/sheet1.xml' });

        const laughs = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)].join('');
        const bomb = workbookParts({ rows: [[{ s: 0 }, { s: 1 }], [{ s: 2 }, '13800000001']], sharedStrings: ['姓名', '电话', 'x'] }).map((p) =>
          p.name === 'xl/sharedStrings.xml' ? { ...p, data: String(p.data).replace('?>', `?><!DOCTYPE sst [${laughs}]>`).replace('<t>x</t>', '<t>&lol9;</t>') } : p,
        );
        expect(await rejected(await post(app.base, await zip(bomb)), 422, 'dtd_not_allowed')).to.contain('xl/sharedStrings.xml');

        const external = workbookParts({ rows: [['姓名', '电话'], ['a', '13800000001']] }).map((p) =>
          p.name === 'xl/workbook.xml' ? { ...p, data: String(p.data).replace('?>', `?><!DOCTYPE workbook SYSTEM "${url}">`) } : p,
        );
        expect(await rejected(await post(app.base, await zip(external)), 422, 'dtd_not_allowed')).to.contain('xl/workbook.xml');
      } finally {
        await new Promise((r) => bait.close(r));
      }
      expect(fetched, 'no entity or DTD was fetched').to.equal(0);
    });

    it('XML that is not well-formed inside the .xlsx: 400 not_a_spreadsheet, not a 500', async () => {
      const undefinedEntity = workbookParts({ sheet: worksheet(`${rowsXml([['姓名', '电话']])}<row r="2"><c r="A2" t="inlineStr"><is><t>&nope;</t></is></c><c r="B2"><v>13800000001</v></c></row>`) });
      expect(await rejected(await post(app.base, await zip(undefinedEntity)), 400, 'not_a_spreadsheet')).to.contain('damaged XML');
      const unclosed = workbookParts({ sheet: worksheet(`${rowsXml([['姓名', '电话'], ['a', '13800000001']])}<row r="3"><c r="A3"`) });
      await rejected(await post(app.base, await zip(unclosed)), 400, 'not_a_spreadsheet');
    });
  });
}
