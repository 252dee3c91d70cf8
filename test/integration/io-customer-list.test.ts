// A customer list as admins bring it: Chinese headers 姓名, 电话, 公司, 地区, 标签, 注册日期 (and
// 邮箱, 备注, a column the CRM has no place for), phones in five spellings, customers listed twice
// with the phone written another way, bad rows; written as CSV here and saved as .xlsx by
// LibreOffice (which turns dates into date cells and long digit strings into numbers). The
// import runs on real SQLite and MariaDB: dry run, all-or-nothing, skip-bad-rows, then again.
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_KINDS } from '../support/db.js';
import { download, post, snapshot, soffice, startIoApp, type IoApp } from './io-fixtures.test.js';

const N = 1500;
const HEAD = ['姓名', '电话', '公司', '地区', '标签', '注册日期', '邮箱', '备注', '客户来源'];
const REGIONS = ['北京', '上海', '广东省深圳市', '浙江 杭州', '四川'];
const TAGS = ['VIP、老客户', 'vip，华东', '批发;重点', ''];
const TAGS_STORED = [['vip', '老客户'], ['vip', '华东'], ['批发', '重点'], []];
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Customer i: its phone as written (five spellings) and as stored. */
function phoneOf(i: number): { written: string; stored: string } {
  const n = pad(i, 8);
  switch (i % 5) {
    case 0: return { written: `${13_000_000_000 + i}`, stored: `${13_000_000_000 + i}` };
    case 1: return { written: `+86 131 ${n.slice(0, 4)} ${n.slice(4)}`, stored: `131${n}` };
    case 2: return { written: `132-${n.slice(0, 4)}-${n.slice(4)}`, stored: `132${n}` };
    case 3: return { written: `0086 133 ${n.slice(0, 4)} ${n.slice(4)}`, stored: `133${n}` };
    default: return { written: `(021) 6${n.slice(1, 4)} ${n.slice(4)}`, stored: `0216${n.slice(1)}` };
  }
}

function customer(i: number): string[] {
  const day = (i % 28) + 1;
  const date = [`2023-05-${pad(day, 2)}`, `2023/5/${day}`, `2023年5月${day}日`][i % 3]!;
  return [`客户${i}号`, phoneOf(i).written, `公司${i % 37}`, REGIONS[i % 5]!, TAGS[i % 4]!, date, i % 6 === 0 ? `c${i}@example.com` : '', i % 7 === 0 ? `备注${i}` : '', '网站'];
}

/** Listed twice: the same name, the phone written another way (and sometimes one more number). */
const DUPLICATES = Array.from({ length: 10 }, (_, k) => k * 95 + 5); // i % 5 === 0: written as a plain number the first time
const duplicate = (i: number, k: number) => [`客户${i}号`, `+86 ${String(13_000_000_000 + i).replace(/^(\d{3})(\d{4})(\d{4})$/, '$1 $2 $3')}${k % 2 ? ` / 010-8888 ${pad(i, 4)}` : ''}`, '', '', '回访', '', '', '', '电话'];

const BAD: Array<{ cells: string[]; message: RegExp }> = [
  { cells: ['短号', '12345', '', '', '', '', '', '', ''], message: /"12345" is too short for a phone number/ },
  { cells: ['', '13999999991', '', '', '', '', '', '', ''], message: /a name is required/ },
  { cells: ['坏号码', 'abc', '', '', '', '', '', '', ''], message: /"abc" is not a phone number/ },
  { cells: ['坏日期', '13999999992', '', '', '', '2023-13-45', '', '', ''], message: /"2023-13-45" is not a date/ },
  { cells: ['冒名', '+86 130 0000 0010', '', '', '', '', '', '', ''], message: /phone 13000000010 is also in row 12/ },
  { cells: ['坏邮箱', '13999999993', '', '', '', '', 'not-an-email', '', ''], message: /"not-an-email" is not an email address/ },
];
const INTERNAL = ['内线', '8001', '总机', '', '', '2024-01-02', '', '', ''];

const csvLine = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');

describe('io import of a customer list as admins bring it (LibreOffice .xlsx)', function () {
  this.timeout(300_000);
  let dir: string;
  let xlsx: Buffer;
  const firstDup = N + 2;
  const firstBad = firstDup + DUPLICATES.length;

  before('write the list and save it as .xlsx with soffice (apt-get install libreoffice-calc-nogui)', () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-io-list-'));
    const lines = [csvLine(HEAD)];
    for (let i = 0; i < N; i++) lines.push(csvLine(customer(i)));
    DUPLICATES.forEach((i, k) => lines.push(csvLine(duplicate(i, k))));
    for (const b of BAD) lines.push(csvLine(b.cells));
    lines.push(csvLine(INTERNAL));
    writeFileSync(join(dir, 'customers.csv'), `${lines.join('\n')}\n`);
    xlsx = soffice(dir, join(dir, 'customers.csv'), 'xlsx');
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  for (const kind of DB_KINDS) {
    describe(kind, () => {
      let app: IoApp;
      before(async () => {
        app = await startIoApp(kind, {}, { internalNumbers: [{ from: '8000', to: '8999' }] });
      });
      after(() => app?.close());

      const expectedCounts = { total: N + DUPLICATES.length + BAD.length + 1, created: N + 1, updated: 0, unchanged: 0, rejected: BAD.length, merged: DUPLICATES.length };
      const badRows = BAD.map((_, k) => firstBad + k);

      it('dry run: what would land, the merged rows, the bad rows, and the columns not imported; nothing written', async () => {
        const was = await snapshot(app.ds);
        const res = await post(app.base, xlsx, 'wait=true&mode=dry-run&fileName=客户名单.xlsx');
        expect(res.status, JSON.stringify(res.body).slice(0, 2000)).to.equal(200);
        expect(res.body.counts).to.deep.equal(expectedCounts);
        expect(res.body.ignoredColumns).to.deep.equal(['客户来源']);
        expect(res.body.merged).to.deep.equal(DUPLICATES.map((i, k) => ({ row: firstDup + k, into: i + 2 })));
        expect(res.body.errors.map((e: { row: number }) => e.row)).to.deep.equal(badRows);
        BAD.forEach((b, k) => expect(res.body.errors[k].message, `row ${badRows[k]}`).to.match(b.message));
        expect(await snapshot(app.ds)).to.deep.equal({ ...was, jobs: was.jobs + 1 });

        const report = await download(`${new URL(app.base).origin}${res.body.links.report}`);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(report.buf as never);
        expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['错误 Errors', '汇总 Summary', '合并 Merged']);
        const values = (name: string) => {
          const rows: unknown[][] = [];
          wb.getWorksheet(name)!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
          return rows;
        };
        expect(values('错误 Errors').slice(1).map((r) => r[0])).to.deep.equal(badRows);
        const merged = values('合并 Merged');
        expect(merged[0]).to.deep.equal(['行号 Row', ...HEAD, '合并到 Merged with']);
        expect(merged.slice(1).map((r) => [r[0], r[1], r[r.length - 1]])).to.deep.equal(DUPLICATES.map((i, k) => [firstDup + k, `客户${i}号`, `merged with row ${i + 2}`]));
        const summary = new Map(values('汇总 Summary').map((r) => [r[0], r[1]]));
        expect(summary.get('合并 Merged (same customer twice)')).to.equal(DUPLICATES.length);
        expect(summary.get('未导入的列 Columns not imported')).to.equal('客户来源');
      });

      it('all-or-nothing: refused for the bad rows only (the same customer twice is no error); nothing written', async () => {
        const was = await snapshot(app.ds);
        const res = await post(app.base, xlsx);
        expect(res.status).to.equal(422);
        expect(res.body.error.code).to.equal('rows_rejected');
        expect(res.body.error.details.counts).to.include({ rejected: BAD.length, merged: DUPLICATES.length });
        expect(res.body.error.details.errors.map((e: { row: number }) => e.row)).to.deep.equal(badRows);
        expect(await snapshot(app.ds)).to.deep.equal({ ...was, jobs: was.jobs + 1 });
      });

      it('skip-bad-rows: every customer lands with region, tags, company, email, notes and the date; duplicates merged', async () => {
        const res = await post(app.base, xlsx, 'wait=true&mode=skip-bad-rows');
        expect(res.status, JSON.stringify(res.body).slice(0, 2000)).to.equal(200);
        expect(res.body.counts).to.deep.equal(expectedCounts);
        const [{ n }] = await app.ds.query('SELECT COUNT(*) AS n FROM customers');
        expect(Number(n)).to.equal(N + 1);
        for (const i of [0, 1, 2, 3, 4, 6, 7, 12, 42, 97, N - 1]) {
          const c = await app.crm.findByPhone(phoneOf(i).stored);
          expect(c, `customer ${i} by ${phoneOf(i).stored}`).to.not.equal(null);
          const day = (i % 28) + 1;
          expect(c, `customer ${i}`).to.deep.include({
            name: `客户${i}号`,
            company: `公司${i % 37}`,
            region: REGIONS[i % 5],
            emails: i % 6 === 0 ? [`c${i}@example.com`] : [],
            customFields: { registeredOn: `2023-05-${pad(day, 2)}`, ...(i % 7 === 0 ? { notes: `备注${i}` } : {}) },
          });
          expect(c!.tags, `tags of customer ${i}`).to.have.members(TAGS_STORED[i % 4]!);
          expect(c!.phones).to.deep.equal([phoneOf(i).stored]);
        }
        for (const [k, i] of DUPLICATES.entries()) {
          const c = await app.crm.findByPhone(`+86${13_000_000_000 + i}`);
          expect(c, `merged customer ${i}`).to.deep.include({ name: `客户${i}号`, company: `公司${i % 37}`, region: REGIONS[i % 5] });
          expect(c!.tags).to.have.members([...TAGS_STORED[i % 4]!, '回访']);
          expect(c!.phones).to.have.members([`${13_000_000_000 + i}`, ...(k % 2 ? [`0108888${pad(i, 4)}`] : [])]);
        }
        expect(await app.crm.findByPhone('8001'), 'an internal number in the configured range').to.deep.include({ name: '内线', company: '总机', customFields: { registeredOn: '2024-01-02' } });
        for (const phone of ['12345', '13999999991', '13999999992', '13999999993']) expect(await app.crm.findByPhone(phone), phone).to.equal(null);
        const [{ n: impostors }] = await app.ds.query(`SELECT COUNT(*) AS n FROM customers WHERE name = '冒名'`);
        expect(Number(impostors)).to.equal(0);
      });

      it('the same file again changes nothing', async () => {
        const was = await snapshot(app.ds);
        const res = await post(app.base, xlsx, 'wait=true&mode=skip-bad-rows');
        expect(res.body.counts).to.deep.equal({ ...expectedCounts, created: 0, unchanged: N + 1 });
        expect({ ...(await snapshot(app.ds)), jobs: 0 }).to.deep.equal({ ...was, jobs: 0 });
      });
    });
  }
});
