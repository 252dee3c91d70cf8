// npm run bench — the highest call rate with no failed call, for
//   (a) plain dialplan (number 9000: Answer, Playback(beep), Hangup) and
//   (b) the Hotline Stasis path (BENCH_HOTLINE_NUMBER, default 9001: Hotline answers, plays a
//       prompt, hangs up),
// measured in one run with sipp on the same box (sipp, Asterisk and Node share the CPUs, so only
// the ratio b/a means much). Each path steps through rates (BENCH_RATES, calls/s); a step places
// rate x BENCH_STEP_SECONDS calls with at most BENCH_LIMIT at once and stops at the first rate
// with a failed call, a call not placed, or a rate sipp could not hold (< 90 % of the target).
//
// Env: BENCH_RATES="50,100,150,200,300,400,600,800"  BENCH_STEP_SECONDS=10  BENCH_LIMIT (default
// rate x 10)  BENCH_RECV_TIMEOUT_MS=15000  BENCH_PATHS="plain,hotline"  BENCH_HOTLINE_NUMBER=9001
// BENCH_START_HOTLINE (not '0': start `tsx app/main.ts` on SQLite and stop it afterwards)
// HOTLINE_HTTP_PORT=8080  HOTLINE_PBX_DIR=/var/lib/hotline/pbx
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSipp } from '../test/support/sipp.js';
import type { SippResult } from '../test/support/sipp.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const RATES = (env.BENCH_RATES ?? '50,100,150,200,300,400,600,800').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const STEP_SECONDS = Number(env.BENCH_STEP_SECONDS ?? 10);
const RECV_TIMEOUT_MS = Number(env.BENCH_RECV_TIMEOUT_MS ?? 15000);
const PATHS = (env.BENCH_PATHS ?? 'plain,hotline').split(',').map((s) => s.trim());
const HOTLINE_NUMBER = env.BENCH_HOTLINE_NUMBER ?? '9001';
const HTTP_PORT = env.HOTLINE_HTTP_PORT ?? '8080';
const PBX_DIR = env.HOTLINE_PBX_DIR ?? '/var/lib/hotline/pbx';

interface Step {
  rate: number;
  attempted: number;
  created: number;
  successful: number;
  failed: number;
  failures: Record<string, number>;
  achievedRate: number;
  durationMs: number;
  ok: boolean;
  why?: string;
  logDir: string;
}
interface PathResult { path: string; number: string; maxRate: number; attemptedAtMax: number; steps: Step[] }

const log = (msg: string): void => { process.stdout.write(`${msg}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pbx(cmd: string): string {
  return execFileSync('chroot', [PBX_DIR, 'asterisk', '-rx', cmd], { encoding: 'utf8' });
}

/** Wait until Asterisk has no call up (the previous step's calls, or anybody else's). */
async function waitForIdlePbx(timeoutMs = 60000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let calls = NaN;
  while (Date.now() < until) {
    // "0 active calls", or with a maxcalls limit "0 of 4000 max active calls"
    calls = Number(/(\d+)(?: of \d+ max)? active calls?/.exec(pbx('core show channels count'))?.[1] ?? NaN);
    if (calls === 0) return;
    await sleep(500);
  }
  log(`  warning: Asterisk still has ${calls} active calls after ${timeoutMs / 1000} s; measuring anyway`);
}

/** Calls/s sipp actually placed: from the first stats row where every call had been created. */
function achievedRate(r: SippResult, attempted: number): number {
  const rows = r.statsRows;
  const row = rows.find((x) => Number(x['OutgoingCall(C)']) >= attempted) ?? rows[rows.length - 1];
  return row ? Number(row['CallRate(C)']) || 0 : 0;
}

async function step(number: string, rate: number): Promise<Step> {
  const attempted = Math.max(1, Math.round(rate * STEP_SECONDS));
  const r = await runSipp({
    scenario: 'uac-wait-bye', service: number, caller: '5550199', calls: attempted, rate,
    limit: Number(env.BENCH_LIMIT ?? rate * 10), recvTimeoutMs: RECV_TIMEOUT_MS,
    deadlineMs: STEP_SECONDS * 3000 + RECV_TIMEOUT_MS * 2 + 30000,
  });
  const achieved = achievedRate(r, attempted);
  const why = r.failed > 0 ? `${r.failed} failed ${JSON.stringify(r.failures)}`
    : r.successful < attempted ? `${attempted - r.successful} calls not completed${r.stopped ? ' (deadline)' : ''}`
      : achieved < rate * 0.9 ? `sipp placed only ${achieved.toFixed(1)} calls/s` : undefined;
  return {
    rate, attempted, created: r.created, successful: r.successful, failed: r.failed, failures: r.failures,
    achievedRate: Math.round(achieved * 10) / 10, durationMs: r.durationMs, ok: !why, why, logDir: r.logDir,
  };
}

async function measure(path: string, number: string): Promise<PathResult> {
  log(`\n${path} (number ${number}):`);
  const res: PathResult = { path, number, maxRate: 0, attemptedAtMax: 0, steps: [] };
  for (const rate of RATES) {
    await waitForIdlePbx();
    await sleep(1000);
    const s = await step(number, rate);
    res.steps.push(s);
    log(`  ${String(rate).padStart(5)} calls/s: ${s.successful}/${s.attempted} ok, ${s.failed} failed, placed at ${s.achievedRate}/s, ${(s.durationMs / 1000).toFixed(1)} s${s.ok ? '' : `  <- ${s.why}; logs ${s.logDir}`}`);
    if (!s.ok) break;
    res.maxRate = rate;
    res.attemptedAtMax = s.attempted;
  }
  await waitForIdlePbx();
  return res;
}

// ---- Hotline ----
async function health(): Promise<{ ari?: { up?: boolean } } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/health`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as { ari?: { up?: boolean } };
  } catch {
    return undefined;
  }
}

async function ensureHotline(): Promise<ChildProcess | undefined> {
  const now = await health();
  if (now?.ari?.up === true) {
    log(`Hotline already answers on :${HTTP_PORT} with ARI up: using it`);
    return undefined;
  }
  if (env.BENCH_START_HOTLINE === '0') throw new Error(`BENCH_START_HOTLINE=0 but no Hotline with ARI up on http://127.0.0.1:${HTTP_PORT}/health`);
  if (now) throw new Error(`something answers on :${HTTP_PORT} without ARI up; stop it or set HOTLINE_HTTP_PORT`);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-'));
  const logFile = join(dir, 'hotline.log');
  const fd = openSync(logFile, 'w');
  log(`starting Hotline (npx tsx app/main.ts, SQLite in ${dir}, log ${logFile})`);
  // own process group: npx -> tsx -> node, all stopped together (stopHotline)
  const child = spawn('npx', ['tsx', 'app/main.ts'], {
    cwd: ROOT, stdio: ['ignore', fd, fd], detached: true,
    env: { ...env, HOTLINE_DB_TYPE: 'sqlite', HOTLINE_DB_PATH: join(dir, 'hotline.sqlite'), HOTLINE_HTTP_PORT: HTTP_PORT, HOTLINE_LOG_LEVEL: env.HOTLINE_LOG_LEVEL ?? 'warn' },
  });
  let exit: string | undefined;
  child.once('exit', (code, sig) => { exit = `exited (${code ?? sig})`; });
  const until = Date.now() + 120000;
  while ((await health())?.ari?.up !== true) {
    if (exit || Date.now() > until) {
      killGroup(child, 'SIGKILL');
      throw new Error(`Hotline did not report ari.up on :${HTTP_PORT} (${exit ?? 'timeout'}); see ${logFile}`);
    }
    await sleep(500);
  }
  log('Hotline up (ari.up === true)');
  return child;
}

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try { process.kill(-(child.pid ?? 0), sig); } catch { /* already gone */ }
}

/** SIGTERM to the whole group (Hotline shuts down gracefully), SIGKILL after 15 s. */
async function stopHotline(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid) return;
  killGroup(child, 'SIGTERM');
  for (const until = Date.now() + 15000; Date.now() < until;) {
    try { process.kill(-child.pid, 0); } catch { return; } // no process left in the group
    await sleep(200);
  }
  killGroup(child, 'SIGKILL');
}

// ---- run ----
async function main(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/pbx-up.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const asterisk = /Asterisk\s+(\S+)/.exec(pbx('core show version'))?.[1] ?? '?';
  log(`calls bench: rates ${RATES.join(', ')} calls/s, ${STEP_SECONDS} s of calls per step; Asterisk ${asterisk}, ${cpus().length} CPUs`);
  const results: PathResult[] = [];
  if (PATHS.includes('plain')) results.push(await measure('plain dialplan', '9000'));
  if (PATHS.includes('hotline')) {
    const hotline = await ensureHotline();
    const stop = (): void => { if (hotline) killGroup(hotline, 'SIGKILL'); process.exit(130); };
    process.once('SIGINT', stop);
    try {
      results.push(await measure('Hotline Stasis', HOTLINE_NUMBER));
    } finally {
      process.off('SIGINT', stop);
      await stopHotline(hotline);
    }
  }

  const rows = results.map((r) => [r.path, `${r.number}`, r.maxRate ? String(r.maxRate) : '< ' + RATES[0], String(r.attemptedAtMax)]);
  const head = ['path', 'number', 'max calls/s with 0 failed', 'calls attempted at that rate'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i])).join(' | ')} |`;
  log(`\n${line(head)}\n|${w.map((n) => '-'.repeat(n + 2)).join('|')}|\n${rows.map(line).join('\n')}`);
  const [a, b] = [results.find((r) => r.path === 'plain dialplan'), results.find((r) => r.path === 'Hotline Stasis')];
  const ratio = a && b && a.maxRate > 0 ? Math.round((b.maxRate / a.maxRate) * 100) / 100 : null;
  if (ratio !== null) log(`\nratio Hotline / plain dialplan: ${ratio}`);

  const date = new Date().toISOString().replace(/[:.]/g, '-');
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `calls-${date}.json`);
  writeFileSync(file, `${JSON.stringify({
    date: new Date().toISOString(), asterisk, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    settings: { rates: RATES, stepSeconds: STEP_SECONDS, limit: env.BENCH_LIMIT ?? 'rate x 10', recvTimeoutMs: RECV_TIMEOUT_MS, scenario: 'uac-wait-bye' },
    results, ratio,
  }, null, 2)}\n`);
  log(`results: ${file}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
