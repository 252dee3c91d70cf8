// npx tsx bench/crm.bench.ts — CRM screen-pop latency on a big customer base (not run in CI).
//   1. BENCH_CRM_CUSTOMERS (1,000,000) customers bulk-inserted into a fresh MariaDB database
//      (multi-row INSERTs in transactions, rows in primary-key order), each with a mobile
//      number; every 10th also a landline, every 3rd an email, every 5th two tags, every 4th
//      two interactions; plus BENCH_CRM_CALLS (200,000) call records from customers' numbers
//      (as trunks write them: +86…, 0086…, plain).
//   2. BENCH_CRM_POPS (2,000) CrmService.screenPop(phone) calls, one at a time, for random
//      numbers: 70 % known (written in assorted forms: +86 138 …, 0086…, 138-…), 30 % unknown;
//      then the same number of pops with BENCH_CRM_CONCURRENCY (8) in flight.
//   Prints p50/p95/p99/max per kind; the screen pop is all database work (phone → customer by
//   primary key, then its phones, emails, tags, companies, last interactions, open reminders
//   and calls by indexed lookups) plus mapping the rows.
// Env: BENCH_CRM_DB=mariadb|sqlite (MariaDB as in test/support/db.ts: HOTLINE_TEST_MARIADB_*)
// Target (issue 5): screen pop p99 well under 100 ms.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { callRecordPager } from '../app/calls/calls.pager.js';
import { CrmService } from '../app/crm/crm.service.js';
import { createDataSource } from '../app/db/data-source.js';
import { createTestDb, dbConfig, type DbKind } from '../test/support/db.js';
import { landline, mobile, seedCrm } from './crm-seed.js';

const env = process.env;
const KIND = (env.BENCH_CRM_DB ?? 'mariadb') as DbKind;
const CUSTOMERS = Number(env.BENCH_CRM_CUSTOMERS ?? 1_000_000);
const CALLS = Number(env.BENCH_CRM_CALLS ?? 200_000);
const POPS = Number(env.BENCH_CRM_POPS ?? 2_000);
const CONCURRENCY = Number(env.BENCH_CRM_CONCURRENCY ?? 8);
const out = (s: string) => process.stdout.write(`${s}\n`);
const fill = (ds: DataSource) => seedCrm(ds, { kind: KIND, customers: CUSTOMERS, calls: CALLS, log: out });

/** A number to pop: a stored one written some other way, or one nobody has. */
function pick(r: () => number): { phone: string; known: boolean } {
  if (r() < 0.3) return { phone: String(14_900_000_000 + Math.floor(r() * 99_999_999)).replace(/^(\d{3})(\d{4})/, '$1 $2 '), known: false };
  const i = Math.floor(r() * CUSTOMERS);
  if (i % 10 === 0 && r() < 0.5) return { phone: `+86 21 ${landline(i).slice(3)}`, known: true };
  const n = mobile(i);
  const forms = [`+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`, `0086${n}`, `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`, n, `(0)${n}`];
  return { phone: forms[Math.floor(r() * forms.length)]!, known: true };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const row = (label: string, xs: number[]) =>
  `| ${label.padEnd(28)} | ${String(xs.length).padStart(5)} | ${pct(xs, 50).toFixed(2).padStart(7)} | ${pct(xs, 95).toFixed(2).padStart(7)} | ${pct(xs, 99).toFixed(2).padStart(7)} | ${Math.max(...xs).toFixed(2).padStart(7)} |`;

async function pops(crm: CrmService, n: number, concurrency: number, seed: number): Promise<{ known: number[]; unknown: number[]; wrong: number }> {
  const r = rng(seed);
  const work = Array.from({ length: n }, () => pick(r));
  const known: number[] = [];
  const unknown: number[] = [];
  let wrong = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const w = work[next++]!;
        const t = performance.now();
        const res = await crm.screenPop(w.phone);
        const ms = performance.now() - t;
        if (res.known !== w.known) wrong++;
        (w.known ? known : unknown).push(ms);
      }
    }),
  );
  return { known, unknown, wrong };
}

/** The plans of the screen pop's queries (each must use a key, never a scan). */
async function explain(ds: DataSource, id: string, phone: string): Promise<void> {
  const callers = [phone, `+86${phone}`, `0086${phone}`, `86${phone}`, `0${phone}`];
  const queries: Array<[string, string, unknown[]]> = [
    ['phone → customer + phones', 'SELECT c.id, p2.phone FROM customer_phones p JOIN customers c ON c.id = p.customer_id AND c.deleted_at IS NULL AND c.merged_into IS NULL JOIN customer_phones p2 ON p2.customer_id = c.id WHERE p.phone = ?', [phone]],
    ['emails', 'SELECT email FROM customer_emails WHERE customer_id = ? ORDER BY email', [id]],
    ['tags', 'SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag', [id]],
    ['companies', 'SELECT co.id FROM company_contacts cc JOIN companies co ON co.id = cc.company_id WHERE cc.customer_id IN (?) ORDER BY co.name', [id]],
    ['last interactions', 'SELECT id FROM interactions WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT 6', [id]],
    ['open reminders', `SELECT id FROM reminders WHERE customer_id = ? AND status <> 'done' ORDER BY due_at LIMIT 5`, [id]],
    ['calls by caller', `SELECT id FROM call_records WHERE caller_number IN (${callers.map(() => '?').join(',')}) ORDER BY started_at DESC, id DESC LIMIT 6`, callers],
  ];
  out('query plans (table:access:key:rows):');
  for (const [label, sql, params] of queries) {
    const plan = (await ds.query(`EXPLAIN ${sql}`, params)) as Array<{ table: string; type: string; key: string | null; rows: number }>;
    out(`  ${label.padEnd(26)} ${plan.map((p) => `${p.table}:${p.type}:${p.key ?? '-'}:${p.rows}`).join('  ')}`);
  }
}

async function main(): Promise<void> {
  out(`CRM screen-pop benchmark: ${KIND}, ${CUSTOMERS} customers, ${CALLS} call records, ${POPS} pops`);
  const db = await createTestDb(KIND);
  const ds = createDataSource(dbConfig(db));
  try {
    await ds.initialize();
    await ds.runMigrations();
    const filled = await fill(ds);
    out(`bulk insert: ${filled.seconds.toFixed(1)} s (${Math.round(CUSTOMERS / filled.seconds)} customers/s with their rows)`);
    if (KIND !== 'sqlite') for (const t of ['customers', 'customer_phones', 'customer_emails', 'customer_tags', 'interactions', 'call_records']) await ds.query(`ANALYZE TABLE ${t}`);
    const pager = callRecordPager(ds);
    const crm = new CrmService(ds, { calls: { listByCallers: (c, l, b) => pager.byCallers(c, l, b) } });
    if (KIND !== 'sqlite') await explain(ds, filled.ids[4]!, mobile(4));
    await pops(crm, 100, 1, 7); // warm-up
    const reads = async () => (KIND === 'sqlite' ? 0 : Number(((await ds.query(`SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'`)) as Array<{ Value: string }>)[0]!.Value));
    const pool = KIND === 'sqlite' ? '' : ((await ds.query(`SELECT @@innodb_buffer_pool_size AS b`)) as Array<{ b: string }>)[0]!.b;
    const reads0 = await reads();
    const load0 = loadavg()[0]!;
    const seq = await pops(crm, POPS, 1, 42);
    const reads1 = await reads();
    const par = await pops(crm, POPS, CONCURRENCY, 43);
    const load1 = loadavg()[0]!;
    const sample = await crm.screenPop(`+86 ${mobile(4).slice(0, 3)} ${mobile(4).slice(3)}`);
    out('');
    out(`screenPop latency, ms (${KIND}, ${CUSTOMERS} customers):`);
    out('| run                          | pops  |   p50   |   p95   |   p99   |   max   |');
    out('|------------------------------|-------|---------|---------|---------|---------|');
    out(row('one at a time, known', seq.known));
    out(row('one at a time, unknown', seq.unknown));
    out(row('one at a time, all', [...seq.known, ...seq.unknown]));
    out(row(`${CONCURRENCY} in flight, all`, [...par.known, ...par.unknown]));
    out(`wrong answers (known/unknown mismatch): ${seq.wrong + par.wrong}`);
    if (KIND !== 'sqlite') out(`InnoDB pages read from disk during the one-at-a-time pops: ${reads1 - reads0} (${((reads1 - reads0) / POPS).toFixed(1)} per pop; buffer pool ${Math.round(Number(pool) / 2 ** 20)} MB)`);
    out(`machine load average (1 min) before / after the pops: ${load0.toFixed(1)} / ${load1.toFixed(1)} on ${(await import('node:os')).cpus().length} cores`);
    out(`a known pop: ${sample.known ? `${sample.customer.name}, ${sample.customer.phones.join(' ')}, ${sample.lastInteractions.length} last interactions (${sample.lastInteractions.map((i) => i.kind).join(', ')})` : 'NOT FOUND'}`);
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/crm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: Math.max(...xs) });
    writeFileSync(
      file,
      JSON.stringify({ kind: KIND, customers: CUSTOMERS, calls: CALLS, insertSeconds: filled.seconds, sequential: { known: summary(seq.known), unknown: summary(seq.unknown), all: summary([...seq.known, ...seq.unknown]) }, concurrent: { concurrency: CONCURRENCY, all: summary([...par.known, ...par.unknown]) }, diskReadsPerPop: (reads1 - reads0) / POPS, load: [load0, load1], wrong: seq.wrong + par.wrong }, null, 2),
    );
    out(`results: ${file}`);
    if (seq.wrong + par.wrong) process.exitCode = 1;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await db.drop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`crm bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
