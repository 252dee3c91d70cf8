// Customer import from .xlsx and .csv on real SQLite and MariaDB: idempotence, the export
// round trip, dry run, all-or-nothing (also when a conflict shows up after earlier batches
// were written) and skip-bad-rows with its report, matching, mappings, jobs and cancel, and
// a file aimed at prototype pollution.
import { expect } from 'chai';
import type { EntitySubscriberInterface, UpdateEvent } from 'typeorm';
import { ImportJob } from '../../app/io/io.entities.js';
import { FINAL } from '../../app/io/jobs.js';
import { DB_KINDS } from '../support/db.js';
import { download, excelFile, post, readBack, snapshot, startIoApp, workbookParts, zip, type IoApp } from './io-fixtures.test.js';

const customers = async (app: IoApp) =>
  (await app.ds.query('SELECT c.name, c.company, c.vip_level AS vip, p.phone FROM customers c JOIN customer_phones p ON p.customer_id = c.id ORDER BY p.phone')).map(
    (r: { name: string; company: string; vip: number; phone: string }) => ({ ...r, vip: Number(r.vip) }),
  );

/** n generated customer rows (Chinese and English text, phones as numbers and as text). */
function people(n: number, offset = 0): unknown[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return [i % 2 ? `客户${i}号` : `Customer ${i}`, i % 3 ? 13_000_000_000 + i : `+86 139 ${String(i).padStart(8, '0')}`, i % 5 ? `公司${i % 7}` : '', i % 10];
  });
}
const HEAD = ['姓名', '电话', '公司', 'VIP等级'];

for (const kind of DB_KINDS) {
  describe(`io import of customers (${kind})`, function () {
    this.timeout(120_000);
    let app: IoApp;
    let origin: string;
    before(async () => {
      app = await startIoApp(kind, { batchSize: 100 });
      origin = new URL(app.base).origin;
    });
    after(() => app?.close());

    it('imports a list with Chinese headers; the same file again changes nothing', async () => {
      const file = await excelFile([HEAD, ['张三', '13800138000, 010-62345678', '北京示例科技有限公司', 2], ['李四', 13900139000, '', null], ['Ann Lee', '+1 (415) 555-0100 / +1 415 555 0101', 'ACME', 0]]);
      const first = await post(app.base, file, 'wait=true&fileName=客户.xlsx');
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body).to.include({ status: 'succeeded', applied: true, fileName: '客户.xlsx', mode: 'all-or-nothing' });
      expect(first.body.counts).to.deep.equal({ total: 3, created: 3, updated: 0, unchanged: 0, rejected: 0, merged: 0 });
      expect(await customers(app)).to.have.deep.members([
        { name: '张三', company: '北京示例科技有限公司', vip: 2, phone: '01062345678' },
        { name: '张三', company: '北京示例科技有限公司', vip: 2, phone: '13800138000' },
        { name: '李四', company: '', vip: 0, phone: '13900139000' },
        { name: 'Ann Lee', company: 'ACME', vip: 0, phone: '+14155550100' },
        { name: 'Ann Lee', company: 'ACME', vip: 0, phone: '+14155550101' },
      ]);
      const was = await snapshot(app.ds);
      const again = await post(app.base, file);
      expect(again.body.counts).to.deep.equal({ total: 3, created: 0, updated: 0, unchanged: 3, rejected: 0, merged: 0 });
      const now = await snapshot(app.ds);
      expect({ ...now, jobs: 0 }).to.deep.equal({ ...was, jobs: 0 });
    });

    it('round trip: export customers, re-import the file: everything unchanged (formula-like text too)', async () => {
      // "'=x" in a cell is how a quote-prefixed =x looks to a program: it is stored as =x.
      const tricky = [['=1+2', '13500000001', '=HYPERLINK("http://x")', 1], ['+cmd', '13500000002', '@SUM(A1)', 2], ['-minus', '13500000003', "'=quoted", 3], ['@at', '13500000004', '\tTab ', 4]];
      const seeded = await post(app.base, await excelFile([HEAD, ...people(1234), ...tricky]));
      expect(seeded.status, JSON.stringify(seeded.body)).to.equal(200);
      expect(seeded.body.counts.created).to.equal(1238);
      const was = await snapshot(app.ds);
      const exported = await download(`${app.base}/io/exports/customers.xlsx`);
      expect(exported.status).to.equal(200);
      const { rows } = await readBack(exported.buf);
      expect(rows.length).to.equal(1 + was.customers);
      const back = await post(app.base, exported.buf, 'wait=true&fileName=export.xlsx');
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect(back.body.counts).to.deep.equal({ total: was.customers, created: 0, updated: 0, unchanged: was.customers, rejected: 0, merged: 0 });
      expect({ ...(await snapshot(app.ds)), jobs: 0 }).to.deep.equal({ ...was, jobs: 0 });
      const stored = await app.ds.query(`SELECT name, company FROM customers WHERE name IN ('=1+2', '+cmd', '-minus', '@at')`);
      expect(stored).to.have.deep.members([
        { name: '=1+2', company: '=HYPERLINK("http://x")' },
        { name: '+cmd', company: '@SUM(A1)' },
        { name: '-minus', company: '=quoted' },
        { name: '@at', company: '\tTab ' },
      ]);
    });

    it('Chinese text stays intact where the XML parser gets it in pieces (exceljs #2063 worked around)', async () => {
      // ~300 KB of three-byte characters: inflated chunks (16 KB) split characters many times.
      const name = (i: number) => `${'测试客户名称'.repeat(6)}${i}号`;
      const rows = Array.from({ length: 2500 }, (_, i) => [name(i), 16_000_000_000 + i, '中文公司名称'.repeat(3), 1]);
      const res = await post(app.base, await excelFile([HEAD, ...rows]), 'wait=true&mode=skip-bad-rows');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const stored = await app.ds.query(`SELECT c.name, p.phone FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone LIKE '16%'`);
      expect(stored).to.have.length(2500);
      expect(stored.filter((r: { name: string; phone: string }) => r.name !== name(Number(r.phone) - 16_000_000_000))).to.deep.equal([]);
    });

    it('dry run: counts what would change and writes nothing', async () => {
      const was = await snapshot(app.ds);
      const file = await excelFile([HEAD, ['张三', '13800138000', '新公司', 5], ['新客户', '13600000001', '', 0], ['坏行', 'no phone', '', 0]]);
      const res = await post(app.base, file, 'wait=true&mode=dry-run');
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: 'succeeded', applied: false, mode: 'dry-run' });
      expect(res.body.counts).to.deep.equal({ total: 3, created: 1, updated: 1, unchanged: 0, rejected: 1, merged: 0 });
      expect(res.body.errors).to.deep.equal([{ row: 4, column: '电话', message: '"no phone" is not a phone number', code: 'bad_phone', params: { value: 'no phone' } }]);
      expect(await snapshot(app.ds)).to.deep.equal({ ...was, jobs: was.jobs + 1 });
    });

    it('all-or-nothing: a conflict found after earlier batches were written rolls everything back', async () => {
      const was = await snapshot(app.ds);
      // 250 new rows in batches of 100; row 232 has the phones of two different customers.
      const rows = people(250, 50_000);
      rows[230] = ['冲突', '13800138000; 13900139000', '', 0];
      const res = await post(app.base, await excelFile([HEAD, ...rows]));
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.error.code).to.equal('rows_rejected');
      const job = res.body.error.details;
      expect(job).to.include({ status: 'rejected', applied: false });
      expect(job.counts.rejected).to.equal(1);
      expect(job.errors).to.have.length(1);
      expect(job.errors[0]).to.include({ row: 232 });
      expect(job.errors[0].message).to.contain('belong to different customers');
      expect(await snapshot(app.ds), 'database exactly as before').to.deep.equal({ ...was, jobs: was.jobs + 1 });
      const report = await download(`${origin}${job.links.report}`);
      const { rows: reported } = await readBack(report.buf);
      expect(reported.slice(1).map((r) => [r[0], r[1]])).to.deep.equal([[232, '冲突']]);
    });

    it('skip-bad-rows imports the good rows; the report lists each bad row with its reason', async () => {
      const was = await snapshot(app.ds);
      const file = await excelFile([
        HEAD,
        ['好一', '13700000001', 'A', 1],
        ['', '13700000002', 'B', 1],
        ['好二', '13700000003', 'C', 'x'],
        ['好三', '13700000001', 'D', 1],
        ['好四', '13700000004', 'E', 9],
      ]);
      const res = await post(app.base, file, 'wait=true&mode=skip-bad-rows');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.counts).to.deep.equal({ total: 5, created: 2, updated: 0, unchanged: 0, rejected: 3, merged: 0 });
      const now = await snapshot(app.ds);
      expect(now.customers).to.equal(was.customers + 2);
      const report = await download(`${origin}${res.body.links.report}`);
      expect(report.type).to.contain('spreadsheetml');
      const { rows, sheets } = await readBack(report.buf);
      expect(sheets).to.deep.equal(['错误 Errors', '汇总 Summary']);
      expect(rows[0]).to.deep.equal(['行号 Row', ...HEAD, '错误 Error']);
      expect(rows.slice(1).map((r) => [r[0], r[5]])).to.deep.equal([
        [3, '姓名: a name is required'],
        [4, 'VIP等级: VIP level "x" is not a whole number from 0 to 9'],
        [5, 'phone 13700000001 is also in row 2'],
      ]);
    });

    it('matches by phone and by ID: updates fields, adds phones, keeps others', async () => {
      const [zs] = await app.ds.query(`SELECT c.id FROM customers c JOIN customer_phones p ON p.customer_id = c.id WHERE p.phone = '13800138000'`);
      const file = await excelFile([
        ['ID', '姓名', '电话', '公司'],
        ['', '张三丰', '13800138000, 13800138001', '武当'],
        [zs.id.toUpperCase(), '张三丰', '13800138002', '武当'],
      ]);
      const res = await post(app.base, file, 'wait=true&mode=skip-bad-rows');
      expect(res.body.counts).to.include({ updated: 1, rejected: 1 });
      expect(res.body.errors[0].message).to.contain('row 2 already updates the same customer');
      const phones = await app.ds.query('SELECT phone FROM customer_phones WHERE customer_id = ? ORDER BY phone', [zs.id]);
      expect(phones.map((p: { phone: string }) => p.phone)).to.deep.equal(['01062345678', '13800138000', '13800138001']);
      const [row] = await app.ds.query('SELECT name, company, vip_level FROM customers WHERE id = ?', [zs.id]);
      expect(row).to.include({ name: '张三丰', company: '武当' });
      expect(Number(row.vip_level), 'no VIP column: kept').to.equal(2);
    });

    it('English headers, a title row, two phone columns, CSV in GB18030 with semicolons, a saved mapping', async () => {
      const en = await excelFile([['Customer list 2025'], ['Full Name', 'Mobile', 'Tel', 'Organization', 'VIP level', 'Notes'], ['Bob', '13111111111', '021-5555 1234', 'Bob Inc', 3, 'x']]);
      const res = await post(app.base, en);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.ignoredColumns).to.deep.equal([]);
      const bob = await app.crm.findByPhone('02155551234');
      expect(bob).to.deep.include({ name: 'Bob', company: 'Bob Inc', vipLevel: 3, phones: ['02155551234', '13111111111'], customFields: { notes: 'x' } });

      // "姓名;电话\r\n老王;13222222222" in GB18030 (as Chinese Excel saves CSV), sent as octet-stream.
      const gb = (hex: string) => Buffer.from(hex, 'hex');
      const body = Buffer.concat([gb('d0d5c3fb'), Buffer.from(';'), gb('b5e7bbb0'), Buffer.from('\r\n'), gb('c0cfcdf5'), Buffer.from(';13222222222\r\n')]);
      const fromCsv = await post(app.base, body, 'wait=true&format=csv', 'application/octet-stream');
      expect(fromCsv.status, JSON.stringify(fromCsv.body)).to.equal(200);
      expect(await app.crm.findByPhone('13222222222')).to.deep.include({ name: '老王' });

      const unknown = await excelFile([['客户全称', '手机号码'], ['映射客户', '13333333333']]);
      expect((await post(app.base, unknown)).body.error.code).to.equal('missing_columns');
      const put = await fetch(`${app.base}/io/mappings/customers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ columns: [{ header: '客户全称', field: 'name' }] }) });
      expect(put.status).to.equal(200);
      const got = (await (await fetch(`${app.base}/io/mappings/customers`)).json()) as { columns: unknown[] };
      expect(got.columns).to.deep.equal([{ header: '客户全称', field: 'name' }]);
      expect((await post(app.base, unknown)).body.counts.created).to.equal(1);
      const bad = await fetch(`${app.base}/io/mappings/customers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ columns: [{ header: 'x', field: 'password' }] }) });
      expect(bad.status).to.equal(400);
    });

    it('a long import runs as a job: 202, progress by API and events, persisted; it can be cancelled', async () => {
      const file = await excelFile([HEAD, ...people(3000, 100_000)]);
      const seen: Array<{ phase: string | null; rowsDone: number; rowsTotal: number }> = [];
      const finished: string[] = [];
      const onProgress = (j: { phase: string | null; progress: { rowsDone: number; rowsTotal: number } }) => seen.push({ phase: j.phase, ...j.progress });
      const onFinished = (j: { id: string; status: string }) => finished.push(`${j.id}:${j.status}`);
      app.io.events.on('progress', onProgress).on('finished', onFinished);
      try {
        const started = await post(app.base, file, 'mode=dry-run');
        expect(started.status).to.equal(202);
        expect(started.body.status).to.be.oneOf(['queued', 'running']);
        expect(started.body.progress.rowsTotal).to.equal(3000);
        let job = started.body;
        for (const until = Date.now() + 60_000; !['succeeded', 'failed'].includes(job.status) && Date.now() < until; ) {
          await new Promise((r) => setTimeout(r, 50));
          job = await (await fetch(`${origin}${started.body.links.self}`)).json();
        }
        expect(job.status).to.equal('succeeded');
        expect(job.counts).to.deep.include({ total: 3000, created: 3000 });
        expect(seen.some((p) => p.phase === 'reading' && p.rowsDone > 0 && p.rowsDone < 3000), 'progress while reading').to.equal(true);
        expect(finished).to.deep.equal([`${job.id}:succeeded`]);
        const [stored] = await app.ds.query('SELECT status, rows_total, created_count FROM io_import_jobs WHERE id = ?', [job.id]);
        expect(stored.status).to.equal('succeeded');
        expect(Number(stored.created_count)).to.equal(3000);
      } finally {
        app.io.events.off('progress', onProgress).off('finished', onFinished);
      }

      const was = await snapshot(app.ds);
      const cancelOnFirstProgress = (j: { id: string; phase: string | null; progress: { rowsDone: number } }) => {
        if (j.phase === 'reading' && j.progress.rowsDone > 0) void app.io.service.cancel(j.id);
      };
      app.io.events.on('progress', cancelOnFirstProgress);
      try {
        const res = await post(app.base, file);
        expect(res.status).to.equal(409);
        expect(res.body.error.code).to.equal('import_cancelled');
      } finally {
        app.io.events.off('progress', cancelOnFirstProgress);
      }
      expect(await snapshot(app.ds), 'nothing imported').to.deep.equal({ ...was, jobs: was.jobs + 1 });
      const [last] = await app.ds.query('SELECT id, status FROM io_import_jobs ORDER BY created_at DESC LIMIT 1');
      expect(last.status).to.equal('cancelled');
      const again = await fetch(`${app.base}/io/imports/${last.id}/cancel`, { method: 'POST' });
      expect(again.status).to.equal(409);
      expect((await fetch(`${app.base}/io/imports/00000000-0000-4000-8000-000000000000`)).status).to.equal(404);
      expect((await fetch(`${app.base}/io/imports/not-an-id`)).status).to.equal(400);
    });

    it('a job reads as ended only once its end is stored and announced (asked while the final save is held)', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let held = false;
      const hold: EntitySubscriberInterface<ImportJob> = {
        listenTo: () => ImportJob,
        async beforeUpdate(e: UpdateEvent<ImportJob>) {
          if (held || !e.entity || !FINAL.has((e.entity as ImportJob).status)) return;
          held = true;
          await gate;
        },
      };
      const finished: string[] = [];
      const onFinished = (j: { status: string }) => finished.push(j.status);
      app.ds.subscribers.push(hold);
      app.io.events.on('finished', onFinished);
      try {
        const started = await post(app.base, await excelFile([HEAD, ['等待', '13500000099', '', 0]]), 'mode=dry-run');
        expect(started.status).to.equal(202);
        const self = `${origin}${started.body.links.self}`;
        for (const until = Date.now() + 30_000; !held && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
        expect(held, 'the final save was reached').to.equal(true);
        const during = await (await fetch(self)).json();
        expect(during.status, 'not ended while its end is not stored').to.equal('running');
        expect(finished).to.deep.equal([]);
        release();
        let job = during;
        for (const until = Date.now() + 30_000; job.status === 'running' && Date.now() < until; ) {
          await new Promise((r) => setTimeout(r, 20));
          job = await (await fetch(self)).json();
        }
        expect(job.status).to.equal('succeeded');
        expect(finished, 'announced by the time it reads as ended').to.deep.equal(['succeeded']);
        const [stored] = await app.ds.query('SELECT status FROM io_import_jobs WHERE id = ?', [job.id]);
        expect(stored.status).to.equal('succeeded');
      } finally {
        release();
        app.ds.subscribers.splice(app.ds.subscribers.indexOf(hold), 1);
        app.io.events.off('finished', onFinished);
      }
    });

    it('a job left running by a stopped process is marked failed on start', async () => {
      const id = '11111111-1111-4111-8111-111111111111';
      const old = kind === 'sqlite' ? new Date(Date.now() - 60_000).toISOString().replace('T', ' ').slice(0, 23) : new Date(Date.now() - 60_000);
      await app.ds.query(
        `INSERT INTO io_import_jobs (id, type, mode, format, status, rows_total, rows_done, created_count, updated_count, unchanged_count, rejected_count, applied, created_at, updated_at) VALUES (?, 'customers', 'all-or-nothing', 'xlsx', 'running', 10, 5, 0, 0, 0, 0, 0, ?, ?)`,
        [id, old, old],
      );
      expect(await app.io.service.recoverInterrupted()).to.equal(1);
      const job = await (await fetch(`${app.base}/io/imports/${id}`)).json();
      expect(job).to.include({ status: 'failed' });
      expect(job.error.code).to.equal('interrupted');
    });

    it('a file aimed at prototype pollution imports as plain data; Object.prototype is untouched', async () => {
      const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
      const evil = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__'];
      await fetch(`${app.base}/io/mappings/customers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ columns: [{ header: '__proto__', field: 'company' }, { header: 'constructor', field: 'ignore' }] }) });
      const parts = workbookParts({
        sharedStrings: ['姓名', '电话', ...evil, '{"polluted":1}'],
        rows: [
          [{ s: 0 }, { s: 1 }, { s: 2 }, { s: 3 }, { s: 4 }, { s: 5 }, { s: 6 }, { s: 7 }],
          [{ s: 2 }, '13444444444', { s: 8 }, { s: 3 }, { s: 4 }, { s: 5 }, { s: 6 }, { s: 7 }],
          [{ s: 3 }, '13444444445', { s: 2 }, '__proto__', 'polluted', 'x', 'y', 'z'],
        ],
      }).map((p) => (typeof p.data === 'string' ? { ...p, data: p.data.replace(/rId1/g, '__proto__') } : p));
      const res = await post(app.base, await zip(parts));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.counts.created).to.equal(2);
      expect(res.body.ignoredColumns).to.deep.equal(['constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__']);
      expect(await app.crm.findByPhone('13444444444')).to.deep.include({ name: '__proto__', company: '{"polluted":1}' });
      expect(await app.crm.findByPhone('13444444445')).to.deep.include({ name: 'constructor', company: '__proto__' });
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(protoKeys);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(Object.getPrototypeOf({})).to.equal(Object.prototype);
      expect(typeof ({} as { toString: unknown }).toString).to.equal('function');
      await fetch(`${app.base}/io/mappings/customers`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ columns: [] }) });
    });
  });
}
