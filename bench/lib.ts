// Shared by the call-rate benchmarks (calls.bench.ts, acd.bench.ts): stepping sipp through
// call rates, waiting for an idle Asterisk, starting and stopping a Hotline on SQLite.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmiClient } from '../app/pbx/ami/index.js';
import { runSipp } from '../test/support/sipp.js';
import type { SippResult } from '../test/support/sipp.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const env = process.env;
export const RATES = (env.BENCH_RATES ?? '50,100,150,200,300,400,600,800').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
export const STEP_SECONDS = Number(env.BENCH_STEP_SECONDS ?? 10);
export const RECV_TIMEOUT_MS = Number(env.BENCH_RECV_TIMEOUT_MS ?? 15000);
export const PATHS = (env.BENCH_PATHS ?? 'plain,hotline,front,stasis').split(',').map((s) => s.trim());
export const HOTLINE_NUMBER = env.BENCH_HOTLINE_NUMBER ?? '9001';
export const HTTP_PORT = env.HOTLINE_HTTP_PORT ?? '8080';
export const PBX_DIR = env.HOTLINE_PBX_DIR ?? '/var/lib/hotline/pbx';

export interface Step {
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
export interface PathResult { path: string; number: string; maxRate: number; attemptedAtMax: number; steps: Step[] }

/** An AMI client of the bench's Asterisk (HOTLINE_AMI_*), with Hotline's credentials; `events`: the classes it asks for. */
export function benchAmi(events: string): AmiClient {
  return new AmiClient({
    host: '127.0.0.1', port: Number(env.HOTLINE_AMI_PORT ?? 5038),
    username: env.HOTLINE_AMI_USER ?? 'hotline', secret: env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami', events,
  });
}

export const log = (msg: string): void => { process.stdout.write(`${msg}\n`); };
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function pbx(cmd: string): string {
  return execFileSync('chroot', [PBX_DIR, 'asterisk', '-rx', cmd], { encoding: 'utf8' });
}

/** Calls Asterisk has up now. */
export function activeCalls(): number {
  // "0 active calls", or with a maxcalls limit "0 of 4000 max active calls"
  return Number(/(\d+)(?: of \d+ max)? active calls?/.exec(pbx('core show channels count'))?.[1] ?? NaN);
}

/** Wait until Asterisk has no call up (the previous step's calls, or anybody else's). */
export async function waitForIdlePbx(timeoutMs = 60000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let calls = NaN;
  while (Date.now() < until) {
    calls = activeCalls();
    if (calls === 0) return;
    await sleep(500);
  }
  log(`  warning: Asterisk still has ${calls} active calls after ${timeoutMs / 1000} s; measuring anyway`);
}

/**
 * A step is clean only if sipp placed its calls at (nearly) the rate asked: it places 99-99.6 % of
 * it while the box keeps up; less means the box (sipp is on it) was already saturated, and the
 * step showed a lower rate than its own. 0.9 let a 250 step placed at 236.7/s count as clean
 * (2026-12-05): the overload step at 1.5 x 250 then measured a box far past its capacity.
 */
const PLACED_SHARE = 0.97;

/** BENCH_SIPP_NICE: the callers' (sipp's) nice value; BENCH_SIPP_RT_PRIORITY: their realtime
 *  priority instead (SCHED_RR). bench:calls sets both where allowed (calls-env.ts); the others
 *  leave sipp at normal priority. Spread into runSipp's options. */
export const SIPP_PRIORITY = {
  nice: Number(env.BENCH_SIPP_NICE ?? 0) || undefined,
  realtimePriority: Number(env.BENCH_SIPP_RT_PRIORITY ?? 0) || undefined,
};

/** Calls/s sipp actually placed: from the first stats row where every call had been created. */
export function achievedRate(r: SippResult, attempted: number): number {
  const rows = r.statsRows;
  const row = rows.find((x) => Number(x['OutgoingCall(C)']) >= attempted) ?? rows[rows.length - 1];
  return row ? Number(row['CallRate(C)']) || 0 : 0;
}

export interface StepOptions {
  /** sipp uac-wait-bye: the caller hangs up this long after the answer (0: waits for Asterisk's BYE). */
  hangupAfterMs?: number;
  /** After the calls: a further reason the step failed (e.g. callers who never reached an agent). */
  check?: (attempted: number) => Promise<string | undefined>;
  /** Before the calls. */
  before?: () => Promise<void>;
  /** Rates to step through (default BENCH_RATES). */
  rates?: number[];
  /** After the step that failed (e.g. hang up what it left behind, on a bench's own Asterisk only). */
  afterFailure?: () => void;
  /** Where the callers send their INVITEs (e.g. the SIP front), Asterisk's address by default. */
  target?: string;
}

export async function step(number: string, rate: number, o: StepOptions = {}): Promise<Step> {
  const attempted = Math.max(1, Math.round(rate * STEP_SECONDS));
  await o.before?.();
  const r = await runSipp({
    ...SIPP_PRIORITY,
    ...(o.hangupAfterMs ? { hangupAfterMs: o.hangupAfterMs } : {}),
    scenario: 'uac-wait-bye', service: number, caller: '5550199', calls: attempted, rate,
    limit: Number(env.BENCH_LIMIT ?? rate * 10), recvTimeoutMs: RECV_TIMEOUT_MS,
    deadlineMs: STEP_SECONDS * 3000 + RECV_TIMEOUT_MS * 2 + 30000, ...(o.target ? { target: o.target } : {}),
  });
  const achieved = achievedRate(r, attempted);
  const checked = o.check ? await o.check(attempted) : undefined;
  const why = r.failed > 0 ? `${r.failed} failed ${JSON.stringify(r.failures)}`
    : r.successful < attempted ? `${attempted - r.successful} calls not completed${r.stopped ? ' (deadline)' : ''}`
      : achieved < rate * PLACED_SHARE ? `sipp placed only ${achieved.toFixed(1)} calls/s` : checked;
  return {
    rate, attempted, created: r.created, successful: r.successful, failed: r.failed, failures: r.failures,
    achievedRate: Math.round(achieved * 10) / 10, durationMs: r.durationMs, ok: !why, why, logDir: r.logDir,
  };
}

export async function measure(path: string, number: string, o: StepOptions = {}): Promise<PathResult> {
  log(`\n${path} (number ${number}):`);
  const res: PathResult = { path, number, maxRate: 0, attemptedAtMax: 0, steps: [] };
  for (const rate of o.rates ?? RATES) {
    await waitForIdlePbx();
    await sleep(1000);
    const s = await step(number, rate, o);
    res.steps.push(s);
    log(`  ${String(rate).padStart(5)} calls/s: ${s.successful}/${s.attempted} ok, ${s.failed} failed, placed at ${s.achievedRate}/s, ${(s.durationMs / 1000).toFixed(1)} s${s.ok ? '' : `  <- ${s.why}; logs ${s.logDir}`}`);
    if (!s.ok) {
      o.afterFailure?.();
      break;
    }
    res.maxRate = rate;
    res.attemptedAtMax = s.attempted;
  }
  await waitForIdlePbx();
  return res;
}

// ---- Hotline ----
export async function health(): Promise<{ ari?: { up?: boolean } } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/health`, { signal: AbortSignal.timeout(2000) });
    return (await res.json()) as { ari?: { up?: boolean } };
  } catch {
    return undefined;
  }
}

export async function ensureHotline(extraEnv: Record<string, string> = {}): Promise<ChildProcess | undefined> {
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
  // BENCH_HOTLINE_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' (profile Hotline under load):
  // node itself runs app/main.ts with those flags (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = env.BENCH_HOTLINE_NODE_ARGS?.split(' ').filter(Boolean);
  const [cmd, args] = nodeArgs ? [process.execPath, [...nodeArgs, '--import', 'tsx', 'app/main.ts']] : ['npx', ['tsx', 'app/main.ts']];
  log(`starting Hotline (${nodeArgs ? `node ${nodeArgs.join(' ')} --import tsx` : 'npx tsx'} app/main.ts, SQLite in ${dir}, log ${logFile})`);
  // own process group: npx -> tsx -> node, all stopped together (stopHotline)
  const child = spawn(cmd, args, {
    cwd: ROOT, stdio: ['ignore', fd, fd], detached: true,
    env: { ...env, HOTLINE_DB_TYPE: 'sqlite', HOTLINE_DB_PATH: join(dir, 'hotline.sqlite'), HOTLINE_HTTP_PORT: HTTP_PORT, HOTLINE_LOG_LEVEL: env.HOTLINE_LOG_LEVEL ?? 'warn',
...extraEnv },
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

export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  try { process.kill(-(child.pid ?? 0), sig); } catch { /* already gone */ }
}

/** SIGTERM to the whole group (Hotline shuts down gracefully), SIGKILL after 15 s. */
export async function stopHotline(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid) return;
  killGroup(child, 'SIGTERM');
  for (const until = Date.now() + 15000; Date.now() < until;) {
    try { process.kill(-child.pid, 0); } catch { return; } // no process left in the group
    await sleep(200);
  }
  killGroup(child, 'SIGKILL');
}

