// npm run bench:pop — screen pop end to end, with BENCH_POP_CUSTOMERS (1,000,000) customers in
// MariaDB (not run in CI). Real calls (SIPp) through an IVR queue node to BENCH_POP_AGENTS (4) lab
// agents whose phones ring 1.5 s before answering; the bench listens to Asterisk's AMI and to the
// live feed (WebSocket, signed in as admin). Latency = when the bench received the screen.pop
// for a caller − when it received Asterisk's AgentCalled (the ring event) for that caller. Both
// arrive at the same process on the same clock, so the figure is what a console sees after the
// phone starts ringing. 70 % of callers are known customers (caller ID plain or 0086-prefixed),
// 30 % unknown. Target (issue 5): p99 < 100 ms.
// Env: BENCH_POP_CUSTOMERS, BENCH_POP_CALLS (300), BENCH_POP_CONCURRENCY (3), and MariaDB as in
// test/support/db.ts (HOTLINE_TEST_MARIADB_*). Asterisk: npm run pbx:up first.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createDataSource } from '../app/db/data-source.js';
import { fieldOf, type AmiMessage } from '../app/pbx/ami/index.js';
import { createAgent, createQueue, queueFlow } from '../test/support/acd.js';
import { startAgents } from '../test/support/agents.js';
import { api } from '../test/support/api.js';
import { createTestDb, dbConfig } from '../test/support/db.js';
import { startHotline, stopAllHotlines, TEST_ADMIN } from '../test/support/hotline.js';
import { openConsole } from '../test/support/live.js';
import { ensurePbx, hangupAll } from '../test/support/pbx.js';
import { startCall } from '../test/support/sipp.js';
import { popCallers, seedCrm } from './crm-seed.js';
import { benchAmi } from './lib.js';

const env = process.env;
const CUSTOMERS = Number(env.BENCH_POP_CUSTOMERS ?? 1_000_000);
const CALLS = Number(env.BENCH_POP_CALLS ?? 300);
const CONCURRENCY = Number(env.BENCH_POP_CONCURRENCY ?? 3);
const AGENTS = Number(env.BENCH_POP_AGENTS ?? 4);
const out = (s: string) => process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};
const row = (label: string, xs: number[]) => `| ${label.padEnd(14)} | ${String(xs.length).padStart(5)} | ${pct(xs, 50).toFixed(1).padStart(6)} | ${pct(xs, 95).toFixed(1).padStart(6)} | ${pct(xs, 99).toFixed(1).padStart(6)} | ${Math.max(...xs).toFixed(1).padStart(6)} |`;

async function main(): Promise<void> {
  out(`screen pop end to end: MariaDB with ${CUSTOMERS} customers, ${CALLS} calls, ${CONCURRENCY} at a time, ${AGENTS} agents ringing 1.5 s`);
  ensurePbx();
  hangupAll();
  const db = await createTestDb('mariadb');
  const phones = await startAgents(AGENTS, { ringMs: 1500 });
  const ami = benchAmi('agent');
  try {
    const ds = createDataSource(dbConfig(db));
    await ds.initialize();
    await ds.runMigrations();
    const seeded = await seedCrm(ds, { kind: 'mariadb', customers: CUSTOMERS, calls: Math.round(CUSTOMERS / 5), log: out });
    for (const t of ['customers', 'customer_phones', 'customer_emails', 'customer_tags', 'interactions', 'call_records']) await ds.query(`ANALYZE TABLE ${t}`);
    await ds.destroy();
    out(`seeded in ${seeded.seconds.toFixed(0)} s`);

    const hotline = await startHotline({ ...db.env, HOTLINE_LOG_LEVEL: 'warn' });
    await createQueue(hotline.url, 'pop-bench', { skills: { bench: 1 }, strategy: 'rrmemory' });
    for (let i = 1; i <= AGENTS; i++) {
      const a = await createAgent(hotline.url, `popb${i}`, i, { bench: 5 });
      const r = await api(hotline.url, 'POST', `/api/acd/agents/${a.id}/login`);
      if (r.status !== 200) throw new Error(`login popb${i}: ${r.status}`);
    }
    await queueFlow(hotline.url, 'pop-bench', 'pop-bench', '7401');
    const adminToken = (await api(hotline.url, 'POST', '/api/auth/login', { username: 'admin', password: TEST_ADMIN.password }, null)).body.token as string;
    const feed = await openConsole(hotline.url, adminToken);

    const rangAt = new Map<string, number>();
    ami.on('event', (ev) => {
      const e = ev as unknown as AmiMessage;
      if (fieldOf(e, 'Event') !== 'AgentCalled') return;
      const caller = fieldOf(e, 'CallerIDNum') ?? '';
      if (!rangAt.has(caller)) rangAt.set(caller, Date.now());
    });
    ami.start();
    await ami.waitForConnected(15_000);

    const callers = popCallers(CALLS, CUSTOMERS);
    let next = 0;
    let failed = 0;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < callers.length) {
        const c = callers[next++]!;
        const call = await startCall({ scenario: 'uac-wait-bye', service: '7401', caller: c.number, hangupAfterMs: 2500, recvTimeoutMs: 20_000 });
        const r = await call.done;
        if (r.failed || !r.successful) failed++;
      }
    }));
    await new Promise((r) => setTimeout(r, 1000));
    const known: number[] = [];
    const unknown: number[] = [];
    let missing = 0;
    let wrong = 0;
    for (const c of callers) {
      const rang = rangAt.get(c.number);
      const pop = feed.messages.find((m) => m.type === 'screen.pop' && m.callerNumber === c.number);
      if (!rang || !pop) {
        missing++;
        continue;
      }
      if (Boolean(pop.pop?.known) !== c.known) wrong++;
      (c.known ? known : unknown).push(pop.receivedAt - rang);
    }
    const all = [...known, ...unknown];
    out('');
    out(`screen.pop after AgentCalled, ms (MariaDB, ${CUSTOMERS} customers; ${((Date.now() - t0) / 1000).toFixed(0)} s of calls):`);
    out('| callers        | pops  |  p50   |  p95   |  p99   |  max   |');
    out('|----------------|-------|--------|--------|--------|--------|');
    out(row('known', known));
    out(row('unknown', unknown));
    out(row('all', all));
    out(`calls failed: ${failed}; callers with no ring or no pop: ${missing}; pops with the wrong known/unknown: ${wrong}`);
    out(`machine load average (1 min) at the end: ${loadavg()[0]!.toFixed(1)}`);
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/pop-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    const summary = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: Math.max(...xs) });
    writeFileSync(file, JSON.stringify({ customers: CUSTOMERS, calls: CALLS, concurrency: CONCURRENCY, known: summary(known), unknown: summary(unknown), all: summary(all), failed, missing, wrong }, null, 2));
    out(`results: ${file}`);
    feed.close();
    if (missing || wrong) process.exitCode = 1;
  } finally {
    await ami.stop();
    await stopAllHotlines();
    phones.stop();
    hangupAll();
    await db.drop();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`pop bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
