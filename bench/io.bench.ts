// npx tsx bench/io.bench.ts — Excel import/export throughput and memory through the HTTP API
// on a real database (not run in CI). The service runs in a child process of its own (as
// Hotline would), so its memory is measured alone: RSS sampled from /proc every 50 ms and
// the child's process.resourceUsage().maxRSS.
//   (a) import of BENCH_IO_CUSTOMERS (100,000) customers from an .xlsx written beforehand with
//       exceljs's streaming writer (shared strings, like Excel), then the same file again
//       (everything unchanged);
//   (b) export of BENCH_IO_CALLS (1,000,000) call records to .xlsx, streamed to a client that
//       reads and drops it: rows/s, and RSS over the run (it must stay flat).
// Env: BENCH_IO_DBS=sqlite[,mariadb] (MariaDB as in test/support/db.ts: HOTLINE_TEST_MARIADB_*)
//      BENCH_IO_CUSTOMERS=100000 BENCH_IO_CALLS=1000000
//      BENCH_IO_SERVICE_FLAGS="--max-old-space-size=160" (node flags for the service process)
//      BENCH_IO_TRACE=1 (the service prints RSS and heap as the import goes)
// Targets (issue 7): import < 20 s and < 300 MB peak; export memory flat.
import { callRecordPager } from '../app/calls/calls.pager.js';
import { adminRoutes } from '../test/support/auth.js';
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { DataSource } from 'typeorm';
import { CallRecord } from '../app/calls/calls.entities.js';
import { CrmService } from '../app/crm/crm.service.js';
import { createDataSource } from '../app/db/data-source.js';
import { errorHandler } from '../app/http/error-handler.js';
import { createIoModule } from '../app/io/index.js';
import { createLogger } from '../app/logger.js';
import { createTestDb, type DbKind } from '../test/support/db.js';

const env = process.env;
const KINDS = (env.BENCH_IO_DBS ?? 'sqlite').split(',').map((s) => s.trim() as DbKind);
const CUSTOMERS = Number(env.BENCH_IO_CUSTOMERS ?? 100_000);
const CALLS = Number(env.BENCH_IO_CALLS ?? 1_000_000);
const MB = 1024 * 1024;
const log = (s: string) => process.stdout.write(`${s}\n`);
const mb = (n: number) => `${Math.round(n / MB)} MB`;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ------------------------------------------------------------------ the service (child)
type Msg = { op: 'insertCalls'; n: number } | { op: 'stats' };

async function serve(): Promise<void> {
  const e = env;
  const ds = createDataSource(
    e.HOTLINE_DB_TYPE === 'sqlite'
      ? { type: 'sqlite', path: e.HOTLINE_DB_PATH! }
      : { type: 'mariadb', host: e.HOTLINE_DB_HOST!, port: Number(e.HOTLINE_DB_PORT), user: e.HOTLINE_DB_USER!, password: e.HOTLINE_DB_PASSWORD!, database: e.HOTLINE_DB_NAME! },
  );
  await ds.initialize();
  await ds.runMigrations();
  const silent = createLogger({ level: 'silent', secrets: [] });
  const io = createIoModule({ db: ds, log: silent, crm: new CrmService(ds), workDir: e.BENCH_IO_WORKDIR!, calls: callRecordPager(ds), routes: adminRoutes() });
  if (e.BENCH_IO_TRACE) {
    let last = '';
    io.events.on('progress', (j) => {
      const key = `${j.phase} ${Math.floor(j.progress.rowsDone / 20_000)}`;
      if (key !== last) process.stderr.write(`[service] ${j.phase} ${j.progress.rowsDone}: rss ${mb(process.memoryUsage().rss)} heap ${mb(process.memoryUsage().heapUsed)}/${mb(process.memoryUsage().heapTotal)}\n`);
      last = key;
    });
  }
  const app = express();
  app.use('/api', io.router);
  app.use(errorHandler(silent));
  const server = app.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', async (m: Msg) => {
    if (m.op === 'insertCalls') {
      const t = performance.now();
      await insertCalls(ds, m.n);
      process.send!({ inserted: m.n, ms: performance.now() - t });
    } else process.send!({ maxRSS: process.resourceUsage().maxRSS * 1024 });
  });
}

async function insertCalls(ds: DataSource, n: number): Promise<void> {
  const repo = ds.getRepository(CallRecord);
  const t0 = Date.UTC(2024, 0, 1);
  await ds.transaction(async (m) => {
    for (let i = 0; i < n; i += 500) {
      const rows = [];
      for (let k = i; k < Math.min(n, i + 500); k++) {
        const startedAt = new Date(t0 + k * 15_000);
        rows.push(
          repo.create({
            id: randomUUID(), channelId: `bench-${k}`, callerNumber: k % 3 ? `1380000${String(k % 10_000).padStart(4, '0')}` : '+8613900000000', callerName: k % 2 ? '王小明' : null,
            calledNumber: '4008001234', flow: 'main', startedAt, answeredAt: new Date(startedAt.getTime() + 1500), endedAt: new Date(startedAt.getTime() + 95_000),
            durationMs: 95_000, outcome: 'completed', hangupCause: 'normal', digits: '1#', ivrPath: '[]', currentStep: null, flowVersionId: null, variables: null, handledBy: 'bench',
          }),
        );
      }
      await m.createQueryBuilder().insert().into(CallRecord).values(rows).updateEntity(false).execute();
    }
  });
}

// ------------------------------------------------------------------ the driver (parent)
class Service {
  private waiting: Array<(m: any) => void> = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (m) => this.waiting.shift()?.(m));
  }
  next<T>(): Promise<T> {
    return new Promise((resolve) => this.waiting.push(resolve as (m: unknown) => void));
  }
  ask<T>(m: Msg): Promise<T> {
    const reply = this.next<T>();
    this.child.send(m);
    return reply;
  }
  rss(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }
}

async function sampled<T>(svc: Service, everyMs: number, work: () => Promise<T>) {
  const samples = [svc.rss()];
  const timer = setInterval(() => samples.push(svc.rss()), everyMs);
  const t0 = performance.now();
  try {
    const result = await work();
    return { result, ms: performance.now() - t0, samples };
  } finally {
    clearInterval(timer);
    samples.push(svc.rss());
  }
}

async function writeCustomersFile(path: string, n: number): Promise<void> {
  const { default: ExcelJS } = await import('exceljs'); // here only, not in the service process
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('客户');
  ws.addRow(['姓名', '电话', '公司', 'VIP等级']).commit();
  for (let i = 0; i < n; i++) {
    ws.addRow([i % 2 ? `客户${i}号` : `Customer ${i}`, `1${String(3_000_000_000 + i * 7).padStart(10, '0')}, 010-${String(60_000_000 + i)}`, `公司${i % 1000}`, i % 10]).commit();
  }
  ws.commit();
  await wb.commit();
}

function postFile(port: number, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': XLSX, 'content-length': statSync(path).size };
    const req = request({ host: '127.0.0.1', port, agent: false, method: 'POST', path: '/api/io/imports/customers?wait=true', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
}

function drainDownload(port: number, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length)).on('end', () => resolve({ status: res.statusCode ?? 0, bytes })).on('error', reject);
    }).on('error', reject).end();
  });
}

interface Row { db: string; what: string; rows: number; seconds: string; rowsPerS: string; rssStart: string; rssPeak: string; maxRSS: string; note: string }

async function benchKind(kind: DbKind, dir: string, customersFile: string): Promise<Row[]> {
  const db = await createTestDb(kind);
  const execArgv = ['--import', 'tsx', ...(env.BENCH_IO_SERVICE_FLAGS ?? '').split(' ').filter(Boolean)];
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv, env: { ...env, ...db.env, BENCH_IO_WORKDIR: join(dir, `work-${kind}`) } });
  const svc = new Service(child);
  const rows: Row[] = [];
  try {
    const { port } = await svc.next<{ port: number }>();
    const row = async (what: string, n: number, r: { ms: number; samples: number[] }, note: string): Promise<Row> => ({
      db: kind, what, rows: n, seconds: (r.ms / 1000).toFixed(1), rowsPerS: Math.round(n / (r.ms / 1000)).toLocaleString('en-US'),
      rssStart: mb(r.samples[0]!), rssPeak: mb(Math.max(...r.samples)), maxRSS: mb((await svc.ask<{ maxRSS: number }>({ op: 'stats' })).maxRSS), note,
    });
    for (const pass of ['first', 'again']) {
      const r = await sampled(svc, 50, () => postFile(port, customersFile));
      if (r.result.status !== 200) throw new Error(`import: ${r.result.status} ${JSON.stringify(r.result.body).slice(0, 300)}`);
      const c = r.result.body.counts;
      rows.push(await row(`import ${pass}`, c.total, r, `created ${c.created}, unchanged ${c.unchanged}, rejected ${c.rejected}`));
      log(`  ${kind}: import (${pass}) ${(r.ms / 1000).toFixed(1)} s`);
    }
    const ins = await svc.ask<{ ms: number }>({ op: 'insertCalls', n: CALLS });
    log(`  ${kind}: ${CALLS.toLocaleString('en-US')} call records inserted in ${(ins.ms / 1000).toFixed(1)} s`);
    const r = await sampled(svc, 100, () => drainDownload(port, '/api/io/exports/calls.xlsx'));
    if (r.result.status !== 200) throw new Error(`export: ${r.result.status}`);
    const s = r.samples;
    const at = (f: number) => mb(s[Math.min(s.length - 1, Math.floor(f * (s.length - 1)))]!);
    rows.push(await row('export calls', CALLS, r, `${mb(r.result.bytes)} .xlsx; RSS at 10/25/50/75/90/100 %: ${[0.1, 0.25, 0.5, 0.75, 0.9, 1].map(at).join(' / ')}`));
    log(`  ${kind}: export ${(r.ms / 1000).toFixed(1)} s`);
  } finally {
    child.kill();
    await db.drop();
  }
  return rows;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-io-bench-'));
  try {
    const customersFile = join(dir, 'customers.xlsx');
    const t = performance.now();
    await writeCustomersFile(customersFile, CUSTOMERS);
    log(`customers file: ${CUSTOMERS.toLocaleString('en-US')} rows, ${mb(statSync(customersFile).size)}, written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const rows: Row[] = [];
    for (const kind of KINDS) rows.push(...(await benchKind(kind, dir, customersFile)));
    const cols: Array<keyof Row> = ['db', 'what', 'rows', 'seconds', 'rowsPerS', 'rssStart', 'rssPeak', 'maxRSS', 'note'];
    const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
    const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i]!)).join('  ').trimEnd();
    log(`\nservice process (child${env.BENCH_IO_SERVICE_FLAGS ? `, ${env.BENCH_IO_SERVICE_FLAGS}` : ''}): RSS sampled during each step; maxRSS = its resourceUsage().maxRSS so far; node ${process.version}`);
    log(line(cols as string[]));
    log(line(width.map((w) => '-'.repeat(w))));
    for (const r of rows) log(line(cols.map((c) => String(r[c]))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
