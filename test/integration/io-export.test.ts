// Exports and templates on real SQLite and MariaDB: customers and call records with the
// filters of their list endpoints (the customers' export gives exactly GET /api/customers's
// customers for the same query), typed cells (dates as dates, numbers as numbers), Chinese
// intact, formula-like text neutralized (read back with exceljs and in the sheet's XML), and
// more rows than one page so the keyset paging is walked.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { CallRecord } from '../../app/calls/calls.entities.js';
import { customerListQuery } from '../../app/crm/crm.schemas.js';
import { readZipDirectory } from '../../app/io/zip-directory.js';
import { DEFAULT_LIMITS } from '../../app/io/limits.js';
import { DB_KINDS } from '../support/db.js';
import { download, excelFile, post, readBack, startIoApp, type IoApp } from './io-fixtures.test.js';

/** The XML of the first worksheet of an .xlsx. */
async function sheetXml(app: IoApp, buf: Buffer): Promise<string> {
  const file = join(app.workDir, `${randomUUID()}.xlsx`);
  writeFileSync(file, buf);
  const entry = (await readZipDirectory(file, DEFAULT_LIMITS)).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
  const raw = buf.subarray(entry.dataStart, entry.dataEnd);
  return (entry.method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
}

const FORMULA_LIKE = ['=1+2', '=HYPERLINK("http://evil.example","click")', '+SUM(A1:A9)', '-2+3', '@SUM(1)', '\t=tab', '\r=cr', "'=already"];

for (const kind of DB_KINDS) {
  describe(`io export (${kind})`, function () {
    this.timeout(120_000);
    let app: IoApp;
    before(async () => {
      app = await startIoApp(kind, { batchSize: 50 });
      const rows: unknown[][] = [['姓名', '电话', '公司', 'VIP等级']];
      for (let i = 0; i < 230; i++) rows.push([`客户${i}号 张`, `1380000${String(i).padStart(4, '0')}`, i % 2 ? '上海某某有限公司' : 'ACME', i % 10]);
      FORMULA_LIKE.forEach((text, i) => rows.push([text, `1390000${String(i).padStart(4, '0')}`, text, 1]));
      const res = await post(app.base, await excelFile(rows));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
    });
    after(() => app?.close());

    it('customers: every row (several pages), Chinese intact, numbers as numbers, dates as dates', async () => {
      const res = await download(`${app.base}/io/exports/customers.xlsx`);
      expect(res.status).to.equal(200);
      expect(res.type).to.contain('spreadsheetml');
      const { rows, ws } = await readBack(res.buf);
      expect(rows[0]).to.deep.equal(['ID', '姓名', '电话', '公司', 'VIP等级', '创建时间 (UTC)', '更新时间 (UTC)', '地区', '标签', '邮箱', '地址']);
      expect(rows.length).to.equal(1 + 230 + FORMULA_LIKE.length);
      expect(new Set(rows.slice(1).map((r) => r[0])).size, 'no row twice across pages').to.equal(rows.length - 1);
      const first = rows.find((r) => r[1] === '客户7号 张')!;
      expect(first.slice(1, 5)).to.deep.equal(['客户7号 张', '13800000007', '上海某某有限公司', 7]);
      expect(first[5]).to.be.instanceOf(Date);
      expect(Math.abs((first[5] as Date).getTime() - Date.now())).to.be.below(10 * 60_000);
      expect(ws.getCell('F2').numFmt).to.equal('yyyy-mm-dd hh:mm:ss');
      const en = await readBack((await download(`${app.base}/io/exports/customers.xlsx?lang=en`)).buf);
      expect(en.rows[0]).to.deep.equal(['ID', 'Name', 'Phone', 'Company', 'VIP level', 'Created (UTC)', 'Updated (UTC)', 'Region', 'Tags', 'Emails', 'Address']);
    });

    it('customers: the name and phone filters of the list (contains), Chinese too', async () => {
      const byName = await readBack((await download(`${app.base}/io/exports/customers.xlsx?name=${encodeURIComponent('客户1')}`)).buf);
      const names = byName.rows.slice(1).map((r) => r[1] as string);
      expect(names.length).to.equal(1 + 10 + 100);
      expect(names.every((n) => n.startsWith('客户1'))).to.equal(true);
      const byPhone = await readBack((await download(`${app.base}/io/exports/customers.xlsx?phone=${encodeURIComponent('1380-000-012')}`)).buf);
      expect(byPhone.rows.slice(1).map((r) => r[2]).sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `138000001${20 + i}`));
      const none = await readBack((await download(`${app.base}/io/exports/customers.xlsx?name=${encodeURIComponent('100%_')}`)).buf);
      expect(none.rows.length, 'LIKE wildcards are literal').to.equal(1);
      expect((await download(`${app.base}/io/exports/customers.xlsx?phone=abc`)).status).to.equal(400);
      expect((await download(`${app.base}/io/exports/customers.xlsx?sort=name`)).status).to.equal(400);
    });

    it('formula-like text is neutralized with a leading apostrophe: no cell is a formula', async () => {
      const res = await download(`${app.base}/io/exports/customers.xlsx`);
      const { rows, ws } = await readBack(res.buf);
      // Stored as imported: a name trimmed, a company as is, "'=x" taken as the text =x.
      // (XML turns a carriage return into a line feed on the way through a file.)
      const stored = (text: string) => (text.startsWith("'") ? text.slice(1) : text).replace(/\r/g, '\n');
      const names = rows.map((r) => r[1]);
      for (const text of FORMULA_LIKE) expect(names, JSON.stringify(text)).to.include(`'${stored(text.trim())}`);
      const companies = rows.map((r) => r[3]);
      for (const text of FORMULA_LIKE) expect(companies, JSON.stringify(text)).to.include(`'${stored(text)}`);
      ws.eachRow((row) => row.eachCell((cell) => expect(cell.formula, `${cell.address}`).to.equal(undefined)));
      const xml = await sheetXml(app, res.buf);
      expect(xml).to.not.match(/<f[\s>/]/);
      expect(xml).to.contain('上海某某有限公司');
    });

    it("customers: the list's filters give exactly the list's customers; region, tags, emails and address at the end", async () => {
      const rows: unknown[][] = [['姓名', '电话', '地区', '标签', '邮箱', '地址']];
      for (let i = 0; i < 300; i++) {
        const emails = i % 10 ? `f${i}@example.com` : `F${i}@Example.com; f${i}@example.org`;
        rows.push([`筛选${i}`, `1370000${String(i).padStart(4, '0')}`, i % 4 === 3 ? '广东 深圳' : '北京', i % 3 ? 'VIP、老客户' : '新客户', emails, i % 5 ? `北京市海淀区${i}号` : '']);
      }
      const seeded = await post(app.base, await excelFile(rows));
      expect(seeded.status, JSON.stringify(seeded.body)).to.equal(200);

      /** The IDs the export and GET /api/customers (every page) give for the same query string. */
      const both = async (query: string) => {
        const res = await download(`${app.base}/io/exports/customers.xlsx?${query}`);
        expect(res.status, query).to.equal(200);
        const exported = (await readBack(res.buf)).rows.slice(1);
        const listed: string[] = [];
        const q = Object.fromEntries(new URLSearchParams(query));
        for (let offset = 0; ; offset += 100) {
          const page = await app.crm.list(customerListQuery.parse({ ...q, limit: '100', offset: String(offset) }));
          listed.push(...page.items.map((c) => c.id));
          if (offset + 100 >= page.total) break;
        }
        expect(exported.map((r) => r[0]).sort(), query).to.deep.equal(listed.sort());
        return exported;
      };
      const vipBeijing = await both(`tag=VIP&region=${encodeURIComponent('北京')}`);
      const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i % 3 && i % 4 !== 3);
      expect(vipBeijing.map((r) => r[1]).sort(), 'more than a page (100)').to.deep.equal(expected.map((i) => `筛选${i}`).sort());
      expect((await both(`tag=${encodeURIComponent('新客户')}&region=${encodeURIComponent('广东 深圳')}`)).length).to.equal(25);
      expect((await both('phoneDigits=0001')).map((r) => r[2])).to.include.members(['13700000001', '13800000001']);
      expect((await both('phoneDigits=8613700000007')).map((r) => r[1]), 'the national number of 86…').to.deep.equal(['筛选7']);
      expect((await both(`email=${encodeURIComponent('F10@Example.com')}`)).map((r) => r[1])).to.deep.equal(['筛选10']);
      expect((await both(`company=ACME&name=${encodeURIComponent('客户1')}`)).length).to.equal(55);
      // The export's own phone (the list's phone is an exact number): contains these digits, as before.
      const contains = await readBack((await download(`${app.base}/io/exports/customers.xlsx?phone=${encodeURIComponent('137-0000-029')}&tag=vip`)).buf);
      expect(contains.rows.slice(1).map((r) => r[1]).sort()).to.deep.equal([290, 292, 293, 295, 296, 298, 299].map((i) => `筛选${i}`).sort());

      // The new columns, after the ones there were; lists sorted, joined with ", ".
      const row = (name: string) => vipBeijing.find((r) => r[1] === name) ?? [];
      expect(row('筛选10').slice(7, 10)).to.deep.equal(['北京', 'vip, 老客户', 'f10@example.com, f10@example.org']);
      expect(row('筛选13').slice(7)).to.deep.equal(['北京', 'vip, 老客户', 'f13@example.com', '北京市海淀区13号']);
      const older = await readBack((await download(`${app.base}/io/exports/customers.xlsx?phoneDigits=13800000007`)).buf);
      expect(older.rows[1]!.slice(1, 5), 'earlier columns in their places').to.deep.equal(['客户7号 张', '13800000007', '上海某某有限公司', 7]);
      expect(older.rows[1]![8] ?? '', 'no tags').to.equal('');

      // The filtered export imported back changes nothing: its headers are the import's.
      const again = await download(`${app.base}/io/exports/customers.xlsx?tag=vip&region=${encodeURIComponent('北京')}`);
      const back = await post(app.base, again.buf, 'wait=true&mode=dry-run');
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect(back.body.counts).to.deep.include({ total: expected.length, unchanged: expected.length, rejected: 0 });

      for (const bad of ['phoneDigits=12', 'phoneDigits=abc', 'email=nope', 'tag=a%2Cb', 'region=', 'company=', `companyId=${randomUUID()}`, 'phone=1&phoneDigits=123', 'limit=5']) {
        const res = await download(`${app.base}/io/exports/customers.xlsx?${bad}`);
        expect(res.status, bad).to.equal(400);
      }
    });

    it('call records: newest first, caller and date filters, typed cells, neutralized text', async () => {
      const repo = app.ds.getRepository(CallRecord);
      const day0 = Date.UTC(2025, 0, 1);
      const records = Array.from({ length: 260 }, (_, i) => {
        const startedAt = new Date(day0 + i * 3_600_000);
        return repo.create({
          id: randomUUID(),
          channelId: `chan-${i}`,
          callerNumber: i % 4 === 0 ? '+8613800000001' : `1380000${String(i).padStart(4, '0')}`,
          callerName: i % 5 === 0 ? '=cmd|"/c calc"!A1' : '王小明',
          calledNumber: '4008001234',
          flow: '主菜单',
          startedAt,
          answeredAt: new Date(startedAt.getTime() + 2000),
          endedAt: new Date(startedAt.getTime() + 62_500),
          durationMs: 62_500,
          outcome: 'completed',
          hangupCause: null,
          digits: '12#',
          ivrPath: '[]',
          currentStep: null,
          flowVersionId: null,
          variables: null,
          handledBy: 'node-a',
          // Every tenth call went to the support queue, answered by Li Na after a wait, with a disposition.
          ...(i % 10 === 3 ? { queue: 'support', agentName: '李娜', agentInterface: 'PJSIP/agent-li', holdSeconds: 12, talkSeconds: 48, disposition: 'refund', outcome: 'answered' as const } : {}),
        });
      });
      for (let i = 0; i < records.length; i += 50) await repo.insert(records.slice(i, i + 50));

      const all = await readBack((await download(`${app.base}/io/exports/calls.xlsx`)).buf);
      expect(all.rows[0]).to.deep.equal(['开始时间 (UTC)', '主叫号码', '主叫姓名', '被叫号码', '流程', '接听时间 (UTC)', '结束时间 (UTC)', '时长(秒)', '结果', '挂机原因', '按键', '处理节点', '队列', '坐席', '排队(秒)', '通话(秒)', '处理结果代码', 'ID']);
      expect(all.rows.length).to.equal(261);
      const starts = all.rows.slice(1).map((r) => (r[0] as Date).getTime());
      expect(starts).to.deep.equal([...starts].sort((a, b) => b - a));
      expect(starts[0]).to.equal(day0 + 259 * 3_600_000);
      const newest = all.rows[1]!;
      expect(newest.slice(1, 5)).to.deep.equal(['13800000259', '王小明', '4008001234', '主菜单']);
      expect(newest[7]).to.equal(62.5);
      expect(newest[9], 'empty stays empty').to.equal(undefined);
      const evil = all.rows.find((r) => r[17] === records[0]!.id)!;
      expect(evil[1]).to.equal("'+8613800000001");
      expect(evil[2]).to.equal(`'=cmd|"/c calc"!A1`);

      // A queue call: its queue, agent, wait, talk and disposition code; a call without one leaves them empty.
      const queued = all.rows.find((r) => r[17] === records[3]!.id)!;
      expect(queued.slice(12, 17)).to.deep.equal(['support', '李娜', 12, 48, 'refund']);
      expect(evil.slice(12, 17)).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
      // The Calls page's filters: queue and outcome (26 calls), the start of a number, and them together.
      const support = await readBack((await download(`${app.base}/io/exports/calls.xlsx?queue=support&outcome=answered`)).buf);
      expect(support.rows.length).to.equal(1 + 26);
      const startsWith = await readBack((await download(`${app.base}/io/exports/calls.xlsx?callerPrefix=1380000000`)).buf);
      expect(startsWith.rows.slice(1).map((r) => r[1]).sort()).to.deep.equal(records.filter((r) => r.callerNumber.startsWith('1380000000')).map((r) => r.callerNumber).sort());
      expect(startsWith.rows.length).to.be.greaterThan(1);
      const both = await readBack((await download(`${app.base}/io/exports/calls.xlsx?queue=support&callerPrefix=138000001`)).buf);
      expect(both.rows.slice(1).map((r) => r[17]).sort()).to.deep.equal(records.filter((r, i) => i % 10 === 3 && i >= 100 && i < 200).map((r) => r.id).sort());
      expect(both.rows.length).to.equal(1 + 10);
      for (const bad of ['callerPrefix=13%25', 'outcome=lost', 'queue=a%20b', 'agentId=12']) {
        expect((await download(`${app.base}/io/exports/calls.xlsx?${bad}`)).status, bad).to.equal(400);
      }
      const byCaller = await readBack((await download(`${app.base}/io/exports/calls.xlsx?caller=${encodeURIComponent('+8613800000001')}`)).buf);
      expect(byCaller.rows.length).to.equal(1 + 65);
      const range = await readBack((await download(`${app.base}/io/exports/calls.xlsx?from=2025-01-02&to=2025-01-03`)).buf);
      expect(range.rows.length, 'two whole UTC days').to.equal(1 + 48);
      const exact = await readBack((await download(`${app.base}/io/exports/calls.xlsx?from=2025-01-01T10:00:00Z&to=${encodeURIComponent('2025-01-01T20:00:00+08:00')}`)).buf);
      expect(exact.rows.length).to.equal(1 + 2);
      expect((await download(`${app.base}/io/exports/calls.xlsx?from=2025-01-05&to=2025-01-01`)).status).to.equal(400);
      expect((await download(`${app.base}/io/exports/calls.xlsx?from=yesterday`)).status).to.equal(400);
    });

    it('templates: headers, an example row, notes; the template itself imports', async () => {
      const zh = await download(`${app.base}/io/templates/customers.xlsx`);
      expect(zh.status).to.equal(200);
      const { rows, sheets, ws } = await readBack(zh.buf);
      expect(sheets).to.deep.equal(['客户', '说明']);
      expect(rows).to.deep.equal([
        ['姓名*', '电话*', '公司', 'VIP等级', '地区', '标签', '邮箱', '备注', '注册日期'],
        ['张三', '13800138000, 010-62345678', '北京示例科技有限公司', 1, '北京', 'VIP、老客户', 'zhangsan@example.com', '周末联系', '2024-05-01'],
      ]);
      expect(ws.getCell('B3').numFmt, 'phone column typed as text').to.equal('@');
      const en = await readBack((await download(`${app.base}/io/templates/customers.xlsx?lang=en`)).buf);
      expect(en.rows[0]).to.deep.equal(['Name*', 'Phone*', 'Company', 'VIP level', 'Region', 'Tags', 'Email', 'Notes', 'Registered on']);
      const imported = await post(app.base, zh.buf, 'wait=true&mode=dry-run');
      expect(imported.status, JSON.stringify(imported.body)).to.equal(200);
      expect(imported.body.counts).to.deep.include({ total: 1, created: 1, rejected: 0 });
      expect(imported.body.ignoredColumns, 'every template column is imported').to.deep.equal([]);
    });
  });
}
