// npm run bench:reports — the reports on a big MariaDB (issue 14's figures; not run in CI).
//   1. A fresh MariaDB database (test/support/db.ts) with BENCH_REPORTS_CALLS (5,000,000) call
//      facts over 90 days (ending at today's UTC midnight), 50 queues, 500 agents (10 per
//      queue), generated in the server with INSERT … SELECT over MariaDB's sequence engine:
//      80 % answered, 10 % abandoned, 2 % overflowed, 1 % callbacks, 1 % timeouts … Then the
//      15-minute rollups of the dimensions the measured reports read (queue, agent, region,
//      overflow) with INSERT … SELECT … GROUP BY, the agents' day rows from those, and 5 agent
//      state changes per agent per day.
//   2. Timed through ReportsService (the code the API runs), BENCH_REPORTS_RUNS (20) each:
//      a month's call summary for all queues (by day), agent statistics for all 500 agents over
//      a month (UTC, and local days in Asia/Shanghai), the first page (50) of a month's abandoned-call list and a deep page (offset
//      10,000). p50/p95/max.
//   3. The rollup's cost per call: BENCH_REPORTS_WRITES (500) finished queue calls put in the
//      ACD's table (in buckets already holding their share of the 5 M calls) and written one
//      by one by RollupWriter.write (facts upserted, the change added to the rows: one upsert), mean ms,
//      and the floor of this box: BENCH_REPORTS_WRITES transactions of one tiny insert and a commit.
//   4. EXPLAIN of every SELECT the timed reports ran.
// Env: BENCH_REPORTS_CALLS, BENCH_REPORTS_RUNS, BENCH_REPORTS_WRITES, BENCH_REPORTS_KEEP=1
// (keep the database and print its name), BENCH_REPORTS_DB=<name> (reuse a kept database:
// skips step 1 but runs the migrations it lacks).
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import type { DataSource } from 'typeorm';
import { queueCallLegs, queueCallsPage } from '../app/acd/acd.calls.js';
import { agentTimeline } from '../app/acd/agent-timeline.js';
import { createDataSource } from '../app/db/data-source.js';
import { createLogger } from '../app/logger.js';
import { resolveDefinitions, DEFAULT_DEFINITIONS } from '../app/reports/definitions.js';
import { ReportsService } from '../app/reports/reports.service.js';
import { RollupWriter } from '../app/reports/rollup.writer.js';
import { createTestDb, dbConfig, type TestDb } from '../test/support/db.js';

const env = process.env;
const CALLS = Number(env.BENCH_REPORTS_CALLS ?? 5_000_000);
const RUNS = Number(env.BENCH_REPORTS_RUNS ?? 20);
const WRITES = Number(env.BENCH_REPORTS_WRITES ?? 500);
const QUEUES = 50;
const AGENTS = 500;
const DAYS = 90;
const DAY = 86_400_000;
const out = (s: string) => process.stdout.write(`${s}\n`);

const queueName = (i: number) => `bq${String(i).padStart(2, '0')}`;
const agentId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const end = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
const start = end - DAYS * DAY;
const sqlTime = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await f();
  out(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

const COUNTERS = `COUNT(*), SUM(outcome = 'answered'), SUM(outcome = 'answered' AND wait_seconds <= 20), SUM(outcome = 'abandoned'), SUM(outcome = 'abandoned' AND wait_seconds < 5),
  SUM(outcome = 'callback'), SUM(outcome = 'overflowed'), SUM(outcome = 'timeout'), 0, SUM(IF(outcome = 'answered', wait_seconds, 0)), SUM(IF(outcome = 'abandoned', wait_seconds, 0)),
  MAX(IF(outcome = 'answered', wait_seconds, 0)), SUM(talk_seconds), SUM(hold_seconds), SUM(wrapup_seconds)`;
const ROLLUP_COLS = `(dimension, bucket_at, dim_key, queue, offered, answered, answered_in_sl, abandoned, abandoned_short, callbacks, overflowed, timeouts, waiting,
  answered_wait_seconds, abandoned_wait_seconds, max_answered_wait_seconds, talk_seconds, hold_seconds, wrapup_seconds)`;
const REGIONS = ['CN|北京市', 'CN|上海市', 'CN|广东省', 'CN|浙江省', 'CN|江苏省', 'CN|四川省', 'CN|湖北省', 'CN|山东省', 'CN|河南省', 'CN|福建省', 'unknown'];

async function generate(ds: DataSource): Promise<void> {
  await ds.query("SET SESSION time_zone = '+00:00'");
  const stepUs = Math.floor(((DAYS * DAY) / CALLS) * 1000);
  const regionElt = `ELT(1 + seq % ${REGIONS.length}, ${REGIONS.map((r) => `'${r}'`).join(', ')})`;
  const outcome = "CASE WHEN seq % 10 = 0 THEN 'abandoned' WHEN seq % 50 = 1 THEN 'overflowed' WHEN seq % 100 = 3 THEN 'callback' WHEN seq % 100 = 7 THEN 'timeout' ELSE 'answered' END";
  const chunk = 250_000;
  // Loaded without the secondary indexes (each row would update five B-trees bigger than the
  // buffer pool), which are built afterwards by sorting.
  const indexes: Array<{ name: string; columns: string }> = (await ds.query(
    "SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'report_call_facts' AND index_name <> 'PRIMARY' GROUP BY index_name",
  ));
  await ds.query(`ALTER TABLE report_call_facts ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
  await timed(`${CALLS.toLocaleString('en')} call facts`, async () => {
    for (let a = 1; a <= CALLS; a += chunk) {
      const b = Math.min(CALLS, a + chunk - 1);
      await ds.query(`INSERT INTO report_call_facts (id, source, queue, uniqueid, caller_number, region, city, joined_at, bucket_at, outcome, wait_seconds, talk_seconds, hold_seconds,
          wrapup_seconds, agent_id, disposition, answered_at, ended_at, overflow_to)
        SELECT CONCAT('bench-', LPAD(seq, 12, '0')), 'hotline', CONCAT('bq', LPAD(seq % ${QUEUES}, 2, '0')), CONCAT('bench-u', seq),
          CONCAT('1', 30 + seq % 60, LPAD((seq * 7919) % 100000000, 8, '0')), ${regionElt}, ${regionElt}, j, FROM_UNIXTIME(FLOOR(UNIX_TIMESTAMP(j) / 900) * 900), o,
          (seq * 7) % 60, IF(o = 'answered', 30 + (seq * 13) % 400, 0), 0, 0,
          IF(o = 'answered', CONCAT('00000000-0000-4000-8000-', LPAD((seq % ${QUEUES}) * 10 + (seq DIV ${QUEUES}) % 10, 12, '0')), NULL),
          IF(o = 'answered', ELT(1 + seq % 4, '', 'sale', 'info', 'complaint'), ''), IF(o = 'answered', j, NULL), j,
          IF(o = 'overflowed', CONCAT('bq', LPAD((seq + 1) % ${QUEUES}, 2, '0')), '')
        FROM (SELECT seq, TIMESTAMPADD(MICROSECOND, seq * ${stepUs}, '${sqlTime(start)}') AS j, ${outcome} AS o FROM seq_${a}_to_${b}) s`);
    }
  });
  await timed('facts: secondary indexes', () => ds.query(`ALTER TABLE report_call_facts ${indexes.map((i) => `ADD INDEX \`${i.name}\` (${i.columns.split(',').map((c) => `\`${c}\``).join(', ')})`).join(', ')}`));
  const dims: Array<[string, string, string]> = [
    ['queue', "''", ''],
    ['agent', 'agent_id', 'AND agent_id IS NOT NULL'],
    ['region', 'region', ''],
    ['overflow', 'overflow_to', "AND outcome = 'overflowed'"],
  ];
  for (const [dim, key, where] of dims) {
    await timed(`rollups: ${dim}`, async () => {
      // Facts are in primary-key order by time ('bench-' + sequence): a key range is a sequential read of a stretch of days.
      const step = Math.ceil(CALLS / 18);
      for (let a = 1; a <= CALLS; a += step) {
        const b = Math.min(CALLS + 1, a + step);
        const id = (n: number) => `bench-${String(n).padStart(12, '0')}`;
        await ds.query(`INSERT INTO report_rollups ${ROLLUP_COLS} SELECT '${dim}', bucket_at, ${key}, queue, ${COUNTERS} FROM report_call_facts
          WHERE id >= ? AND id < ? ${where} GROUP BY bucket_at, ${key}, queue
          ON DUPLICATE KEY UPDATE offered = offered + VALUES(offered), answered = answered + VALUES(answered), answered_in_sl = answered_in_sl + VALUES(answered_in_sl),
            abandoned = abandoned + VALUES(abandoned), abandoned_short = abandoned_short + VALUES(abandoned_short), callbacks = callbacks + VALUES(callbacks),
            overflowed = overflowed + VALUES(overflowed), timeouts = timeouts + VALUES(timeouts), answered_wait_seconds = answered_wait_seconds + VALUES(answered_wait_seconds),
            abandoned_wait_seconds = abandoned_wait_seconds + VALUES(abandoned_wait_seconds), max_answered_wait_seconds = GREATEST(max_answered_wait_seconds, VALUES(max_answered_wait_seconds)),
            talk_seconds = talk_seconds + VALUES(talk_seconds)`, [id(a), id(b)]);
      }
    });
  }
  // The agents' day rows (UTC days), as the rollup writer keeps them and the migration writes them.
  await timed('rollups: agent days', async () => {
    await ds.query(`INSERT INTO report_rollups ${ROLLUP_COLS} SELECT 'agent_day', CAST(DATE(bucket_at) AS DATETIME(3)), dim_key, queue, SUM(offered), SUM(answered), SUM(answered_in_sl),
        SUM(abandoned), SUM(abandoned_short), SUM(callbacks), SUM(overflowed), SUM(timeouts), SUM(waiting), SUM(answered_wait_seconds), SUM(abandoned_wait_seconds),
        MAX(max_answered_wait_seconds), SUM(talk_seconds), SUM(hold_seconds), SUM(wrapup_seconds)
      FROM report_rollups WHERE dimension = 'agent' GROUP BY CAST(DATE(bucket_at) AS DATETIME(3)), dim_key, queue`);
  });
  // Each agent each day: logged in 08:00, ready 08:01, lunch break 12:00-13:00, logged out 17:00.
  await timed('agent state changes', async () => {
    const n = AGENTS * DAYS * 5;
    await ds.query(`INSERT INTO acd_agent_events (agent_id, state, reason, source, at)
      SELECT CONCAT('00000000-0000-4000-8000-', LPAD(a, 12, '0')), ELT(k + 1, 'logged_in', 'available', 'break', 'available', 'logged_out'), IF(k = 2, 'lunch', ''), 'hotline',
        TIMESTAMPADD(MINUTE, ELT(k + 1, 480, 481, 720, 780, 1020), TIMESTAMPADD(DAY, d, '${sqlTime(start)}'))
      FROM (SELECT (seq - 1) % ${AGENTS} AS a, ((seq - 1) DIV ${AGENTS}) % ${DAYS} AS d, (seq - 1) DIV ${AGENTS * DAYS} AS k FROM seq_1_to_${n}) s ORDER BY 5`);
  });
  await ds.query('ANALYZE TABLE report_call_facts, report_rollups, acd_agent_events');
}

async function main() {
  let db: TestDb | undefined;
  let cfg;
  if (env.BENCH_REPORTS_DB) {
    const base = await createTestDb('mariadb');
    await base.drop();
    cfg = { ...dbConfig(base), database: env.BENCH_REPORTS_DB } as ReturnType<typeof dbConfig>;
  } else {
    db = await createTestDb('mariadb');
    cfg = dbConfig(db);
  }
  const ds = createDataSource(cfg);
  await ds.initialize();
  try {
    if (env.BENCH_REPORTS_DB) {
      // A kept database from an older Hotline: its pending migrations (e.g. the agents' day rows) run on it.
      const pending = await ds.showMigrations();
      if (pending) await timed('pending migrations on the kept database', () => ds.runMigrations());
    } else {
      await ds.runMigrations();
      out(`## generating (${(cfg as { database?: string }).database}), load average ${loadavg()[0]!.toFixed(1)}`);
      await generate(ds);
    }
    await ds.query("SET SESSION time_zone = '+00:00'");
    const [{ facts }] = await ds.query('SELECT COUNT(*) AS facts FROM report_call_facts');
    const [{ rollups }] = await ds.query('SELECT COUNT(*) AS rollups FROM report_rollups');
    out(`facts ${Number(facts).toLocaleString('en')}, rollup rows ${Number(rollups).toLocaleString('en')}`);

    const defs = resolveDefinitions(DEFAULT_DEFINITIONS);
    const queues = new Map(Array.from({ length: QUEUES }, (_, i) => [queueName(i), { defs, dispositions: new Map() }]));
    const agents = new Map(Array.from({ length: AGENTS }, (_, i) => [agentId(i), { name: `Agent ${i}` }]));
    const reports = new ReportsService(ds, {
      queues: async () => queues,
      agents: async () => agents,
      timeline: (ids, from, to) => agentTimeline(ds, ids, from, to),
      callbacks: async () => [],
    });
    // Capture the SQL the reports run (for EXPLAIN).
    const captured = new Map<string, { sql: string; params: unknown[] }>();
    let capturing = '';
    let statements = 0;
    const logger = (ds as unknown as { logger: Record<string, unknown> }).logger;
    const original = logger.logQuery as (q: string, p?: unknown[]) => void;
    logger.logQuery = (q: string, p?: unknown[]) => {
      statements += 1;
      if (capturing && /^\s*SELECT/i.test(q)) captured.set(`${capturing} #${captured.size + 1}: ${q.replace(/\s+/g, " ").slice(0, 70)}`, { sql: q, params: p ?? [] });
      original?.call(logger, q, p);
    };

    const monthFrom = new Date(end - 30 * DAY).toISOString();
    const monthTo = new Date(end).toISOString();
    const base = { from: monthFrom, to: monthTo, tz: 'UTC', locale: 'en' as const };
    const cases: Array<[string, number, () => Promise<unknown>]> = [
      ['month summary, all queues (by day)', 500, () => reports.summary({ ...base, interval: 'day' })],
      ['agent statistics, 500 agents, month', 1000, () => reports.agents(base)],
      // Local days in Asia/Shanghai: 29 whole UTC days from day rows, 8 + 16 hours of 15-minute rows at the ends.
      ['agent statistics, 500 agents, month, Asia/Shanghai', 1000, () => reports.agents({ ...base, from: monthFrom.slice(0, 10), to: monthTo.slice(0, 10), tz: 'Asia/Shanghai' })],
      ['abandoned list, month, first page', 200, () => reports.abandoned({ ...base, limit: 50, offset: 0 })],
      ['abandoned list, month, offset 10,000', 200, () => reports.abandoned({ ...base, limit: 50, offset: 10_000 })],
    ];
    out(`\n## reports (${RUNS} runs each, after 1 warm-up), load average ${loadavg()[0]!.toFixed(1)}`);
    out('| report | target ms | p50 ms | p95 ms | max ms | rows |');
    out('|---|---|---|---|---|---|');
    for (const [label, target, run] of cases) {
      capturing = label;
      const first = (await run()) as { items: unknown[] };
      capturing = '';
      const xs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await run();
        xs.push(performance.now() - t);
      }
      out(`| ${label} | < ${target} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 95).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${first.items.length} |`);
    }

    // The rollup's cost per call: finished queue calls written one by one.
    const writer = new RollupWriter(ds, {
      legs: (source, ids) => queueCallLegs(ds, source, ids),
      page: (after, limit) => queueCallsPage(ds, after, limit),
      definitions: async () => new Map([...queues].map(([n, v]) => [n, v.defs])),
    }, createLogger({ level: 'silent', secrets: [] }));
    const callAt = (i: number) => end - DAY + ((i * 997) % (DAY / 1000)) * 1000; // spread over the last day
    const tag = `w${Date.now().toString(36)}`;
    const seed = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 500) {
        const rows = Array.from({ length: Math.min(500, from + count - i) }, (_, k) => {
          const n = i + k;
          const j = callAt(n);
          return `('${tag}-${n}', 'hotline', '${queueName(n % QUEUES)}', '${tag}-u${n}', '1380013${String(n % 10000).padStart(4, '0')}', '${sqlTime(j)}', '${sqlTime(j + 8000)}', '${sqlTime(j + 8000)}', '${sqlTime(j + 98_000)}', 'answered', '${agentId(n % AGENTS)}', 'PJSIP/x', 8, 90, '')`;
        });
        await ds.query(`INSERT INTO acd_queue_calls (id, source, queue, uniqueid, caller_number, joined_at, answered_at, left_at, ended_at, outcome, agent_id, agent_interface, hold_seconds, talk_seconds, disposition) VALUES ${rows.join(',')}`);
      }
    };
    await seed(0, 2 * WRITES);
    const [{ perBucket }] = await ds.query(`SELECT COUNT(*) / COUNT(DISTINCT bucket_at) AS perBucket FROM report_call_facts WHERE bucket_at >= ?`, [sqlTime(end - DAY)]);
    // One by one: each call its own transaction (a quiet center: a call ends, the next one later).
    const ws: number[] = [];
    statements = 0;
    for (let n = 0; n < WRITES; n++) {
      const t = performance.now();
      await writer.write('hotline', `${tag}-u${n}`);
      ws.push(performance.now() - t);
    }
    const perWrite = statements / WRITES;
    // A burst: calls finishing while the writer is busy are written together (legsChanged batches them).
    const t0 = performance.now();
    for (let n = WRITES; n < 2 * WRITES; n++) writer.legsChanged('hotline', `${tag}-u${n}`);
    await writer.flushed();
    const burst = (performance.now() - t0) / WRITES;
    const mean = ws.reduce((a, b) => a + b, 0) / ws.length;
    out(`\n## rollup cost per call (${WRITES} calls one by one, then ${WRITES} as a burst, into buckets of ~${Number(perBucket).toFixed(0)} calls)`);
    out('| how | mean ms per call | p50 ms | p95 ms | max ms | target |');
    out('|---|---|---|---|---|---|');
    out(`| one by one (own transaction each) | ${mean.toFixed(2)} | ${pct(ws, 50).toFixed(2)} | ${pct(ws, 95).toFixed(2)} | ${Math.max(...ws).toFixed(2)} | < 1 ms |`);
    out(`| burst (legsChanged, batched) | ${burst.toFixed(2)} | | | | < 1 ms |`);
    out(`statements per call one by one (START TRANSACTION and COMMIT included): ${perWrite.toFixed(1)}`);
    // The floor of a call written in its own transaction on this box: a round trip, and a
    // transaction of one tiny insert and its commit (InnoDB flushes its log at each commit:
    // innodb_flush_log_at_trx_commit = 1, the default).
    await ds.query('CREATE TABLE IF NOT EXISTS bench_floor_t (id INT PRIMARY KEY) ENGINE=InnoDB');
    await ds.query('DELETE FROM bench_floor_t');
    const trips: number[] = [];
    const commits: number[] = [];
    for (let n = 0; n < WRITES; n++) {
      let t = performance.now();
      await ds.query('SELECT 1');
      trips.push(performance.now() - t);
      t = performance.now();
      await ds.transaction((m) => m.query('INSERT INTO bench_floor_t (id) VALUES (?)', [n]));
      commits.push(performance.now() - t);
    }
    await ds.query('DROP TABLE bench_floor_t');
    const [flush] = await ds.query("SHOW VARIABLES LIKE 'innodb_flush_log_at_trx_commit'");
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    out(`floor on this box: a round trip (SELECT 1) mean ${avg(trips).toFixed(2)} ms, p50 ${pct(trips, 50).toFixed(2)}; a transaction of one tiny insert + commit mean ${avg(commits).toFixed(2)} ms, p50 ${pct(commits, 50).toFixed(2)}, p95 ${pct(commits, 95).toFixed(2)} (innodb_flush_log_at_trx_commit = ${flush?.Value})`);
    const [{ check }] = await ds.query(`SELECT COUNT(*) AS \`check\` FROM report_call_facts WHERE id LIKE '${tag}-%'`);
    out(`facts written: ${check} of ${2 * WRITES}`);

    out('\n## EXPLAIN');
    for (const [label, { sql, params }] of captured) {
      const plan: Array<Record<string, unknown>> = await ds.query(`EXPLAIN ${sql}`, params);
      out(`\n${label}`);
      for (const p of plan) out(`  table=${p.table} type=${p.type} key=${p.key} rows=${p.rows} extra=${p.Extra ?? ''}`);
      if (plan.some((p) => p.type === 'ALL' && !String(p.table).startsWith('<derived'))) out('  !! full scan');
    }
  } finally {
    await ds.destroy();
    if (db && env.BENCH_REPORTS_KEEP !== '1') await db.drop();
    else if (db) out(`\nkept database ${(cfg as { database?: string }).database} (BENCH_REPORTS_DB=… to reuse)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
