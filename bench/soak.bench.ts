// npm run bench:soak — nothing stuck, nothing lost (issue 12, item 7). BENCH_SOAK_CALLS (10,000)
// calls over BENCH_SOAK_MINUTES (30) into an IVR menu (a prompt with barge-in; the caller presses 1
// as RFC 2833 about 1 s in) whose queue node hands them to queue `soak`, answered by 4 SIPp agent
// phones (ringing 0.3-1.5 s, talking 1-4 s, then hanging up; several calls at once, ringinuse).
// Callers and agents send audio the whole call. BENCH_SOAK_HANGUP_PCT (10) % of callers hang up
// themselves at a random moment (menu, queued, ringing or talking, as it falls; the table says
// where), BENCH_SOAK_VANISH_PCT (1) % vanish without a BYE: each is its own sipp, killed (SIGKILL)
// 0.3-8 s after the answer. Afterwards the bench checks, against Asterisk's own AMI events:
// exactly one finished call record per call with the outcome the events call for, one queue row
// per queued caller (answered / abandoned), no channel left in Stasis or in Asterisk, how long
// vanished callers lived on (PJSIP rtp_timeout = 30 s, the menu's timeout, or the agent's BYE),
// every agent available, Hotline's RSS from minute 10 (a third of the run) to the end (< +10 %),
// and Hotline's log (no error; warnings listed). Prints a table, writes bench/results/soak-<date>.json.
// Runs its OWN Asterisk (bench/soak-env.ts: /var/lib/hotline/pbx-soak, ARI 8188, AMI 5138,
// SIP 5160, app hotline-soak; BENCH_PBX_* to change) and stops it at the end; Hotline on a fresh
// MariaDB database (HOTLINE_TEST_MARIADB_*), log level BENCH_SOAK_LOG_LEVEL (warn).
import './soak-env.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQueue } from '../test/support/acd.js';
import { api, publishFlow } from '../test/support/api.js';
import { createTestDb } from '../test/support/db.js';
import { startHotline, type HotlineProcess } from '../test/support/hotline.js';
import { SIPP_NO_WATCHDOG_EXIT, startCall, type SippCall, type SippResult } from '../test/support/sipp.js';
import { reapSummary, verdict, type CallerSide } from './soak-check.js';
import { voicePcap } from './soak-media.js';
import { asteriskLogSize, asteriskWarnings, channelsLeft, pbxStop, pbxUp, prepareChroot, SoakWatch } from './soak-pbx.js';
import { SOAK_PBX } from './soak-env.js';

const env = process.env;
const CALLS = Number(env.BENCH_SOAK_CALLS ?? 10_000);
const MINUTES = Number(env.BENCH_SOAK_MINUTES ?? 30);
const HANGUP_PCT = Number(env.BENCH_SOAK_HANGUP_PCT ?? 10);
const VANISH_PCT = Number(env.BENCH_SOAK_VANISH_PCT ?? 1);
const AGENTS = 4;
const AGENT_SIP_BASE = Number(env.BENCH_SOAK_AGENT_PORT ?? 5290); // agents on 5291-5294
const AGENT_MEDIA_BASE = 32000;
const NUMBER = '7800';
const SILENT_NUMBER = '7801';
const SILENT = Number(env.BENCH_SOAK_SILENT ?? 3);
const QUEUE = 'soak';
const HERE = dirname(fileURLToPath(import.meta.url));
const out = (s: string): void => { process.stdout.write(`${s}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rand = (a: number, b: number): number => a + Math.random() * (b - a);

function startAgentPhones(dir: string, voice: string): ChildProcess[] {
  return Array.from({ length: AGENTS }, (_, k) => spawn('sipp', [
    '-sf', join(HERE, 'sipp/soak-agent.xml'), '-i', '127.0.0.1', '-p', String(AGENT_SIP_BASE + k + 1),
    '-mi', '127.0.0.1', '-mp', String(AGENT_MEDIA_BASE + (k + 1) * 4), '-nostdin', '-aa', ...SIPP_NO_WATCHDOG_EXIT,
    '-key', 'voice_file', voice, '-set', 'ring_min', '300', '-set', 'ring_max', '1500', '-set', 'talk_min', '1000', '-set', 'talk_max', '4000',
    '-trace_err', '-error_file', join(dir, `agent${k + 1}-errors.log`), '-trace_stat', '-stf', join(dir, `agent${k + 1}-stats.csv`), '-fd', '10',
  ], { stdio: 'ignore' }));
}

/** The last row of an agent's stat CSV: calls it took, succeeded, failed. */
function agentStats(dir: string, k: number): { calls: number; ok: number; failed: number } {
  const lines = readFileSync(join(dir, `agent${k}-stats.csv`), 'utf8').trim().split('\n');
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const col = (n: string) => Number(last[head.indexOf(n)] ?? 0);
  return { calls: col('IncomingCall(C)'), ok: col('SuccessfulCall(C)'), failed: col('FailedCall(C)') };
}

async function setUp(h: HotlineProcess): Promise<void> {
  await createQueue(h.url, QUEUE, { skills: { soak: 1 }, strategy: 'rrmemory', ringInUse: true });
  for (let i = 1; i <= AGENTS; i++) {
    const endpoint = `acd-soak-${i}`;
    const a = await api(h.url, 'POST', '/api/acd/agents', { name: `soak-${i}`, endpoint, contact: `sip:${endpoint}@127.0.0.1:${AGENT_SIP_BASE + i}`, skills: { soak: 5 } });
    if (a.status !== 201 || a.body.appliedToAsterisk !== true) throw new Error(`agent soak-${i}: ${a.status} ${JSON.stringify(a.body)}`);
    const l = await api(h.url, 'POST', `/api/acd/agents/${a.body.id}/login`);
    if (l.status !== 200) throw new Error(`login soak-${i}: ${l.status}`);
  }
  await publishFlow(h.url, 'soak', {
    entry: 'menu',
    nodes: {
      menu: { type: 'menu', prompt: { sound: 'dir-welcome' }, options: { '1': 'q' }, timeoutMs: 3000, retries: 0, onExhausted: 'bye', bargeIn: true },
      q: { type: 'queue', queue: QUEUE, noAgents: 'bye' },
      bye: { type: 'hangup' },
    },
  }, [NUMBER]);
  // Callers who vanish where nobody else ends the call: a menu that waits minutes for a digit.
  await publishFlow(h.url, 'soak-silent', {
    entry: 'wait',
    nodes: {
      wait: { type: 'menu', prompt: { sound: 'dir-welcome' }, options: { '9': 'bye' }, timeoutMs: 60_000, retries: 10, onExhausted: 'bye' },
      bye: { type: 'hangup' },
    },
  }, [SILENT_NUMBER]);
}

/** BENCH_SOAK_SILENT callers to the silent menu, each killed 2 s after the answer: what reaps them, and when. */
async function silentVanishers(n: number, voice: string, sides: CallerSide[]): Promise<void> {
  for (let k = 1; k <= n; k++) {
    const caller = `9${String(k).padStart(5, '0')}`;
    const call = await startCall({ scenario: join(HERE, 'sipp/soak-caller.xml'), service: SILENT_NUMBER, caller, calls: 1, rate: 1, recvTimeoutMs: 120_000, keys: { voice_file: voice }, vars: { hangup_pct: 0 } });
    await call.waitFor('ANSWERED', 20_000);
    await sleep(2000);
    sides.push({ caller: `${caller}1`, kind: 'silent', endAt: Date.now() });
    process.kill(call.pid, 'SIGKILL');
    await call.done.then(() => undefined, () => undefined); // killed: sipp.ts may call it "did not run"
  }
}

/** Hotline's resident set (kB), sampled every 5 s. */
function rssSampler(pid: number, t0: number): { samples: Array<{ s: number; kb: number }>; stop(): void } {
  const samples: Array<{ s: number; kb: number }> = [];
  const take = () => {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) samples.push({ s: Math.round((Date.now() - t0) / 1000), kb: Number(m[1]) });
  };
  take();
  const timer = setInterval(take, 5000);
  return { samples, stop: () => clearInterval(timer) };
}

/** Callers whose SIPp is killed mid-call: one small sipp each, spread over the run, until `n` vanished.
 *  A call that ended before its kill (the agent hung up first) was an ordinary call: kept as one, and another is placed. */
async function vanishers(n: number, spanMs: number, voice: string, sides: CallerSide[]): Promise<number> {
  let failedToStart = 0;
  let vanished = 0;
  const t0 = Date.now();
  for (let k = 1; vanished < n && k <= n * 3; k++) {
    // the (vanished+1)-th is due at its share of the run (jittered), whatever the earlier ones took
    await sleep(Math.max(0, t0 + (spanMs * (vanished + rand(0.2, 0.8))) / n - Date.now()));
    const caller = `8${String(k).padStart(5, '0')}`;
    let call;
    try {
      call = await startCall({ scenario: join(HERE, 'sipp/soak-caller.xml'), service: NUMBER, caller, calls: 1, rate: 1, recvTimeoutMs: 120_000, keys: { voice_file: voice }, vars: { hangup_pct: 0 } });
      await call.waitFor('ANSWERED', 20_000);
    } catch (err) {
      failedToStart++;
      out(`  vanishing caller ${caller}: ${(err as Error).message.split('\n')[0]}`);
      if (call) process.kill(call.pid, 'SIGKILL');
      continue;
    }
    let ended = false;
    const markEnded = (): void => { ended = true; };
    void call.done.then(markEnded, markEnded);
    await sleep(rand(300, 5000));
    if (ended) {
      sides.push({ caller: `${caller}1`, kind: 'stays' });
      continue;
    }
    const endAt = Date.now();
    try {
      process.kill(call.pid, 'SIGKILL');
    } catch {
      sides.push({ caller: `${caller}1`, kind: 'stays' }); // it ended this very moment
      continue;
    }
    sides.push({ caller: `${caller}1`, kind: 'vanishes', endAt });
    vanished++;
    // A sipp killed before its first stats line "did not run" for sipp.ts: expected here, nothing to report.
    await call.done.then(() => undefined, () => undefined);
  }
  return failedToStart;
}

/** Callers of the main sipp, from its log: PLAN <call-id> <caller> <hang-up ms or 0>, CALLER_BYE / PBX_BYE. */
function mainSides(r: SippResult): CallerSide[] {
  const lines = readFileSync(join(r.logDir, 'calls.log'), 'utf8').split('\n');
  return lines.flatMap((l) => {
    const m = /^PLAN \S+ (\d+) ?([\d.]*)/.exec(l.trim());
    return m ? [{ caller: m[1]!, kind: Number(m[2]) > 0 ? 'hangs' as const : 'stays' as const }] : [];
  });
}

async function main(): Promise<void> {
  const vanishing = Math.round((CALLS * VANISH_PCT) / 100);
  const mainCalls = CALLS - vanishing;
  const rate = mainCalls / (MINUTES * 60);
  out(`soak: ${CALLS} calls over ${MINUTES} min (${(CALLS / MINUTES / 60).toFixed(2)} calls/s): ${mainCalls} from one sipp at ${rate.toFixed(3)}/s (${HANGUP_PCT} % hang up), ${vanishing} vanishing; ${AGENTS} agents; own Asterisk ${SOAK_PBX.dir} (SIP ${SOAK_PBX.sipPort})`);
  prepareChroot();
  pbxUp();
  const dir = mkdtempSync(join(tmpdir(), 'hotline-soak-'));
  const callerVoice = voicePcap('caller', { seconds: 120, hz: 440, digit: { key: '1', atMs: 1000 } });
  const agentVoice = voicePcap('agent', { seconds: 60, hz: 660 });
  const db = await createTestDb('mariadb');
  const phones = startAgentPhones(dir, agentVoice);
  const phoneExits: string[] = [];
  phones.forEach((p, k) => p.once('exit', (code, sig) => phoneExits.push(`agent phone ${k + 1} exited (${code ?? sig}); see ${dir}/agent${k + 1}-errors.log`)));
  const watch = new SoakWatch();
  let hotline: HotlineProcess | undefined;
  let callers: SippCall | undefined;
  try {
    hotline = await startHotline({
      ...db.env, HOTLINE_ARI_URL: `http://127.0.0.1:${SOAK_PBX.ariPort}`, HOTLINE_ARI_APP: SOAK_PBX.app,
      HOTLINE_AMI_PORT: SOAK_PBX.amiPort, HOTLINE_LOG_LEVEL: env.BENCH_SOAK_LOG_LEVEL ?? 'warn',
    });
    await setUp(hotline);
    if (phoneExits.length) throw new Error(phoneExits.join('; '));
    await watch.start();
    const t0 = Date.now();
    const astLogStart = asteriskLogSize();
    const rss = rssSampler(hotline.child.pid!, t0);
    const spanMs = MINUTES * 60_000;
    const main = callers = await startCall({
      scenario: join(HERE, 'sipp/soak-caller.xml'), service: NUMBER, caller: '7', calls: mainCalls, rate: Math.round(rate * 1000) / 1000,
      limit: 2000, recvTimeoutMs: 120_000, keys: { voice_file: callerVoice }, vars: { hangup_pct: Math.round((HANGUP_PCT * CALLS / mainCalls) * 100) / 100 },
      keepLogs: true, deadlineMs: spanMs * 1.5 + 300_000,
    });
    const progress = setInterval(() => {
      const last = rss.samples.at(-1);
      out(`  ${Math.round((Date.now() - t0) / 60000)} min: ${watch.byCaller.size} calls, ${watch.alive.size} channels up, Hotline RSS ${last ? (last.kb / 1024).toFixed(0) : '?'} MB, load ${loadavg()[0]!.toFixed(1)}`);
    }, 60_000);
    const vanished: CallerSide[] = [];
    const [r, notStarted] = await Promise.all([main.done, vanishers(vanishing, spanMs, callerVoice, vanished)]);
    await silentVanishers(SILENT, callerVoice, vanished);
    const callsEndedAt = Date.now();
    clearInterval(progress);
    out(`sipp: ${r.created} calls placed, ${r.successful} ok, ${r.failed} failed ${JSON.stringify(r.failures)} (logs ${r.logDir}); vanishing callers not started: ${notStarted}`);

    // Drain: everything ends by itself (rtp_timeout 30 s is the longest wait); nobody is hung up by the bench.
    let drainSeconds = 0;
    for (const until = Date.now() + 120_000; Date.now() < until; await sleep(1000)) {
      const left = await channelsLeft();
      if (left.asterisk === 0 && left.stasis === 0) break;
      drainSeconds = Math.round((Date.now() - callsEndedAt) / 1000);
    }
    const left = await channelsLeft();
    const openRecords = async () => Number((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM call_records WHERE ended_at IS NULL'))[0]!.n);
    for (const until = Date.now() + 30_000; Date.now() < until && (await openRecords()) > 0;) await sleep(500);
    rss.stop();

    const sides = [...mainSides(r), ...vanished];
    const vanishedN = vanished.filter((x) => x.kind === 'vanishes').length;
    // the silent callers' channels end by rtp_timeout (30 s) or not at all: waited for in the drain above
    const v = await verdict(db, sides, watch.byCaller, QUEUE);
    const agents = ((await api(hotline.url, 'GET', '/api/acd/agents')).body.items as Array<{ name: string; state: string }>).map((a) => ({ name: a.name, state: a.state }));
    const phoneStats = Array.from({ length: AGENTS }, (_, k) => agentStats(dir, k + 1));

    // RSS swings by about 15 % between garbage collections (5 s samples): compare the median of the
    // minute around minute 10 with the median of the last minute of calls, not two single samples.
    const minute10 = Math.min(600, Math.round(MINUTES * 20)); // minute 10 of 30: a third of a shorter run
    const endS = Math.round((callsEndedAt - t0) / 1000);
    const median = (from: number, to: number) => {
      const xs = rss.samples.filter((x) => x.s >= from && x.s <= to).map((x) => x.kb).sort((a, b) => a - b);
      return { s: Math.round((from + to) / 2), kb: xs[Math.floor(xs.length / 2)] ?? NaN, n: xs.length };
    };
    const at10 = median(minute10 - 30, minute10 + 30);
    const atEnd = median(endS - 60, endS);
    const growth = Math.round(((atEnd.kb - at10.kb) / at10.kb) * 1000) / 10;
    const lines = hotline.logLines();
    writeFileSync(join(dir, 'hotline.log'), hotline.output());
    out(`Hotline log: ${join(dir, 'hotline.log')}`);
    const errors = lines.filter((l) => l.level >= 50);
    const warns: Record<string, number> = {};
    for (const l of lines.filter((x) => x.level === 40)) warns[l.msg] = (warns[l.msg] ?? 0) + 1;
    const reap = reapSummary(v.reap);
    const astWarn = asteriskWarnings(astLogStart);

    const checks: Array<[string, boolean, string]> = [
      ['calls placed', r.created === mainCalls && vanishedN === vanishing, `${r.created + vanished.length} (main ${r.created} of ${mainCalls}; ${vanishedN} of ${vanishing} vanished, ${vanished.length - vanishedN} more ended before their kill); sipp failed ${r.failed}`],
      ['one finished record per call', v.recordCountWrong.length === 0 && v.recordsOpen === 0 && v.records === sides.length, `${v.records} records for ${sides.length} calls, ${v.recordsOpen} not finished, ${v.recordCountWrong.length} callers without exactly one`],
      ['record outcomes right', v.wrongOutcome.length === 0 && v.queueRowCountWrong.length === 0, `${v.wrongOutcome.length} wrong, ${v.queueRowCountWrong.length} queue-row counts wrong; records ${JSON.stringify(v.outcomes)}; queue ${JSON.stringify(v.queueOutcomes)}`],
      ['callers who stayed were answered', v.staysUnanswered.length === 0, `${v.staysUnanswered.length} not answered`],
      ['no channel left', left.asterisk === 0 && left.stasis === 0, `Asterisk ${left.asterisk}, Stasis ${left.stasis} after ${drainSeconds} s of drain`],
      ['vanished callers reaped within 40 s', v.reap.length === vanishedN + SILENT && v.reap.every((x) => x.seconds !== null && x.seconds <= 40), Object.entries(reap).map(([k, x]) => `${k}: ${x.n} (max ${x.maxSeconds} s, median ${x.medianSeconds} s)`).join('; ')],
      ['agents available', agents.every((a) => a.state === 'available'), agents.map((a) => `${a.name} ${a.state}`).join(', ')],
      ['RSS growth minute 10 -> end < 10 %', Number.isFinite(growth) && growth < 10, `median ${(at10.kb / 1024).toFixed(1)} MB around ${at10.s} s -> ${(atEnd.kb / 1024).toFixed(1)} MB in the last minute of calls (${growth >= 0 ? '+' : ''}${growth} %)`],
      ['no error in Hotline log', errors.length === 0 && v.problems.length === 0, `${errors.length} error lines, ${Object.values(warns).reduce((a, b) => a + b, 0)} warn lines${v.problems.length ? `; ${v.problems.length} other problems` : ''}`],
    ];
    out('');
    out('| check | result | measured |');
    out('|---|---|---|');
    for (const [name, ok, what] of checks) out(`| ${name} | ${ok ? 'ok' : 'FAILED'} | ${what} |`);
    out('');
    out(`hang-ups by phase: ${JSON.stringify(v.hangupPhases)}; vanished callers by phase when killed: ${JSON.stringify(v.vanishPhases)}`);
    out(`agent phones (calls / ok / failed): ${phoneStats.map((p) => `${p.calls}/${p.ok}/${p.failed}`).join(', ')}`);
    for (const [msg, n] of Object.entries(warns)) out(`warn x${n}: ${msg}`);
    for (const e of errors.slice(0, 10)) out(`error: ${JSON.stringify(e)}`);
    for (const p of v.problems.slice(0, 10)) out(`problem: ${p}`);
    for (const w of v.wrongOutcome.slice(0, 10)) out(`wrong: ${JSON.stringify(w)}`);
    for (const [msg, n] of Object.entries(astWarn).sort((a, b) => b[1] - a[1]).slice(0, 10)) out(`asterisk x${n}: ${msg}`);

    mkdirSync(join(HERE, 'results'), { recursive: true });
    const file = join(HERE, 'results', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({
      calls: CALLS, minutes: MINUTES, hangupPct: HANGUP_PCT, vanishPct: VANISH_PCT, agents: AGENTS, durationSeconds: Math.round((callsEndedAt - t0) / 1000),
      sipp: { created: r.created, successful: r.successful, failed: r.failed, failures: r.failures }, vanishing: vanished.length,
      checks: checks.map(([name, ok, measured]) => ({ name, ok, measured })), outcomes: v.outcomes, queueOutcomes: v.queueOutcomes,
      hangupPhases: v.hangupPhases, vanishPhases: v.vanishPhases, reap, reapCalls: v.reap, wrongOutcome: v.wrongOutcome, recordCountWrong: v.recordCountWrong,
      queueRowCountWrong: v.queueRowCountWrong, staysUnanswered: v.staysUnanswered, problems: v.problems, channelsLeft: left, drainSeconds, agentStates: agents, agentPhones: phoneStats,
      rss: { minute10: at10, end: atEnd, growthPct: growth, samples: rss.samples }, log: { errors: errors.slice(0, 50), warns }, asteriskWarnings: astWarn,
      load1AtEnd: loadavg()[0],
    }, null, 2));
    out(`results: ${file}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    if (callers) await callers.stop();
    await watch.stop().catch((err: Error) => out(`AMI watch did not stop cleanly: ${err.message}`));
    await hotline?.stop();
    for (const p of phones) p.kill('SIGKILL');
    pbxStop();
    if (env.BENCH_SOAK_KEEP_DB !== '1') await db.drop();
    else out(`database kept: ${db.env.HOTLINE_DB_NAME}`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`soak bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
