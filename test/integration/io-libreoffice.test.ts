// A file another spreadsheet program wrote: the test writes a CSV with Chinese headers and
// text, LibreOffice (Debian's libreoffice-calc-nogui, `soffice --headless --convert-to`)
// turns it into .xlsx (and .xls / .ods), and the import reads it on real SQLite and MariaDB.
// LibreOffice writes zip data descriptors and puts the worksheet before the shared strings,
// unlike exceljs: a different path through the reader.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_KINDS } from '../support/db.js';
import { post, snapshot, soffice, startIoApp, type IoApp } from './io-fixtures.test.js';

const ROWS = 2000;

describe('io import of a file LibreOffice wrote', function () {
  this.timeout(300_000);
  let dir: string;
  const files: Record<string, Buffer> = {};

  before('convert a CSV written here with soffice (apt-get install libreoffice-calc-nogui)', () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-io-lo-'));
    const lines = ['姓名,电话,公司,VIP等级,备注'];
    lines.push('张三,"13800138000, 010-62345678",北京示例科技有限公司,3,老客户');
    lines.push('"李四, Jr.",+86 139 0013 9000,"上海""浦东""分公司",,');
    for (let i = 0; i < ROWS; i++) lines.push(`客户王${i}号,${15_000_000_000 + i},深圳市第${i % 50}号科技有限公司,${i % 10},备注${i}`);
    const csv = join(dir, 'customers.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    for (const to of ['xlsx', 'xls', 'ods']) files[to] = soffice(dir, csv, to);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const kind of DB_KINDS) {
    describe(kind, () => {
      let app: IoApp;
      before(async () => {
        app = await startIoApp(kind);
      });
      after(() => app?.close());

      it('the .xlsx imports: every row, Chinese text intact, numbers read as phone text', async () => {
        const res = await post(app.base, files.xlsx!, 'wait=true&fileName=customers.xlsx');
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.counts).to.deep.equal({ total: ROWS + 2, created: ROWS + 2, updated: 0, unchanged: 0, rejected: 0, merged: 0 });
        expect(res.body.ignoredColumns).to.deep.equal([]);
        const zs = await app.ds.query(`SELECT c.name, c.company, c.vip_level AS vip FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone = '01062345678'`);
        expect(zs).to.deep.equal([{ name: '张三', company: '北京示例科技有限公司', vip: 3 }]);
        const ls = await app.ds.query(`SELECT c.name, c.company, c.vip_level AS vip FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone = '13900139000'`);
        expect(ls).to.deep.equal([{ name: '李四, Jr.', company: '上海"浦东"分公司', vip: 0 }]);
        const names = await app.ds.query(`SELECT c.name, c.company, p.phone FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone LIKE '15%'`);
        expect(names).to.have.length(ROWS);
        const bad = names.filter((r: { name: string; company: string; phone: string }) => {
          const i = Number(r.phone) - 15_000_000_000;
          return r.name !== `客户王${i}号` || r.company !== `深圳市第${i % 50}号科技有限公司`;
        });
        expect(bad, 'every Chinese name and company exactly as written').to.deep.equal([]);
      });

      it('the same file again changes nothing', async () => {
        const was = await snapshot(app.ds);
        const res = await post(app.base, files.xlsx!);
        expect(res.body.counts).to.include({ unchanged: ROWS + 2, created: 0, updated: 0 });
        expect({ ...(await snapshot(app.ds)), jobs: 0 }).to.deep.equal({ ...was, jobs: 0 });
      });

      it('the legacy .xls and the .ods LibreOffice wrote: 400 with what to do', async () => {
        const was = await snapshot(app.ds);
        const xls = await post(app.base, files.xls!, 'wait=true', 'application/vnd.ms-excel');
        expect(xls.status).to.equal(400);
        expect(xls.body.error.message).to.contain('save it as .xlsx');
        const ods = await post(app.base, files.ods!, 'wait=true', 'application/octet-stream');
        expect(ods.status).to.equal(400);
        expect(ods.body.error.code).to.equal('not_a_spreadsheet');
        expect(await snapshot(app.ds)).to.deep.equal(was);
      });
    });
  }
});
