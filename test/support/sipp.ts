// Run SIPp callers against the local Asterisk (test/support/sipp/*.xml): one call for a test,
// or many at a rate for the benchmark. Each sipp gets its own free SIP (-p) and media (-mp)
// port and its own log directory; the result comes from sipp's -trace_stat CSV and exit code.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dtmfPcap } from './dtmf-pcap.js';
import { cli } from './pbx.js';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

/**
 * sipp's watchdog ends the process once its timer ran more than 100 ms late 121 times within
 * 10 minutes (`-watchdog_minor_maxtriggers` 120): on this 2-core box under a realtime Asterisk, a
 * lab phone that lives through a whole test file can reach that, then quits, and every later
 * call to it rings unanswered (seen once in a whole run: RINGNOANSWER 15000 on an agent that had
 * answered before). Lab phones and callers run until the test stops them.
 */
export const SIPP_NO_WATCHDOG_EXIT = ['-watchdog_minor_maxtriggers', '-1', '-watchdog_major_maxtriggers', '-1'];
export type SippScenario = 'uac-dtmf' | 'uac-hangup' | 'uac-wait-bye' | 'uac-overload' | 'uac-refused';
/** Lines the scenarios log per call (followed by the Call-ID). */
export type SippEvent = 'ANSWERED' | 'DIGITS' | 'PBX_BYE' | 'CALLER_BYE' | 'REFUSED';

export interface SippOptions {
  /** A scenario of test/support/sipp, or the path of another XML file. */
  scenario: SippScenario | string;
  /** Number called (sipp -s): 9000 = plain dialplan, anything else goes to Stasis `hotline`. */
  service: string;
  /** From user = the caller ID Asterisk sees (default 5550100). */
  caller?: string;
  /** From display name (default empty). */
  callerName?: string;
  /** uac-dtmf: digits to send (pcap built by dtmfPcap), or dtmfFile: a pcap of your own. */
  digits?: string;
  dtmfFile?: string;
  /** uac-dtmf: ms between the answer and the first digit (default 1000). */
  waitBeforeDigitsMs?: number;
  /** uac-hangup: ms before the caller's BYE (required). uac-dtmf / uac-wait-bye: the caller hangs
   *  up after this many ms unless Asterisk's BYE came first; 0 (default): wait for the BYE. */
  hangupAfterMs?: number;
  /** Longest wait for any expected SIP message, e.g. Asterisk's BYE (sipp -recv_timeout; default 30000). */
  recvTimeoutMs?: number;
  /** Calls in total (-m, default 1), calls per second (-r, default 10), most at once (-l). */
  calls?: number;
  rate?: number;
  limit?: number;
  /** sipp is stopped at this deadline (default: from calls, rate and timeouts). */
  deadlineMs?: number;
  /** Asterisk's SIP address (default 127.0.0.1:5060, or HOTLINE_SIP_PORT). */
  target?: string;
  /** sipp's own SIP (-p) and media (-mp, 4 ports from it) ports; default: free ones from the
   *  harness's ranges (SIP 12000-13999, media 14000-19999). Tests that must stay out of those
   *  ranges (e.g. next to another suite's calls) pass their own. */
  sipPort?: number;
  mediaPort?: number;
  /** Also write every SIP message to messages.log (heavy at high rates). */
  traceMessages?: boolean;
  /** Keep the log directory after a run where every call succeeded (default: only
   *  HOTLINE_SIPP_KEEP_LOGS=1; the logs of a run with a failure are always kept). */
  keepLogs?: boolean;
  /** Run sipp at this nice value (e.g. -5): a load generator on the box under test keeps its
   *  pace instead of waiting behind the processes it measures (benches; needs root below 0). */
  nice?: number;
  /** Run sipp at this realtime priority (SCHED_RR, chrt; root): callers that stand for another
   *  box keep their pace even against the realtime Asterisk (bench:calls). Before `nice`. */
  realtimePriority?: number;
  /** More -key keywords / -set variables, and raw arguments. */
  keys?: Record<string, string>;
  vars?: Record<string, string | number>;
  extraArgs?: string[];
}

export interface SippResult {
  /** sipp's exit code: 0 every call succeeded, 1 some failed, 97/99/255 see sipp(1). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  created: number;
  successful: number;
  failed: number;
  /** Non-zero FailedXxx counters of the stat CSV, e.g. { FailedTimeoutOnRecv: 2 }. */
  failures: Record<string, number>;
  /** The -trace_stat CSV, one row a second, by column name (e.g. 'CallRate(C)'). */
  statsRows: Array<Record<string, string>>;
  /** Scenario log lines counted per event, and the Call-IDs that were answered. */
  events: Record<SippEvent, number>;
  callIds: string[];
  /** true when the deadline or stop()/kill() ended sipp. */
  stopped: boolean;
  durationMs: number;
  sipPort: number;
  mediaPort: number;
  /** sipp's logs (screen, stats.csv, calls.log, errors.log, stderr.log); see keepLogs. */
  logDir: string;
  /** sipp's error log (without the routine "jumping to label" entries) and the tail of stderr. */
  errors: string;
  stderr: string;
  command: string[];
}

/** A sipp error: what sipp was asked, what came of it, and its error log. */
export class SippError extends Error {
  constructor(message: string, readonly result?: SippResult) {
    const r = result;
    super(!r ? message : [message, `sipp ${r.command.join(' ')}`,
      `exit ${r.exitCode ?? r.signal}; created ${r.created}, successful ${r.successful}, failed ${r.failed} ${JSON.stringify(r.failures)}; events ${JSON.stringify(r.events)}; logs in ${r.logDir}`,
      `sipp error log:\n${r.errors || '(empty)'}`, r.stderr ? `stderr:\n${r.stderr}` : ''].filter(Boolean).join('\n'));
    this.name = 'SippError';
  }
}

/** Throw a SippError (with the error log) unless all `expected` calls succeeded. */
export function assertCallsSucceeded(r: SippResult, expected = 1): void {
  if (r.exitCode !== 0 || r.failed > 0 || r.successful < expected) {
    throw new SippError(`sipp: expected ${expected} successful call(s)`, r);
  }
}

// ---- ports: SIP 12000-13999, media 14000-19999 (Asterisk's RTP is 20000-29999) ----
const inUse = new Set<number>();
let nextSip = 12000 + ((process.pid * 7) % 2000);
let nextMedia = 14000 + ((process.pid * 28) % 6000);

const udpFree = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = createSocket('udp4');
  s.once('error', () => { s.close(); resolve(false); });
  s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

async function takePort(from: () => number, span: number): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const port = from();
    const ports = Array.from({ length: span }, (_, k) => port + k);
    if (ports.some((p) => inUse.has(p))) continue;
    if ((await Promise.all(ports.map(udpFree))).every(Boolean)) {
      ports.forEach((p) => inUse.add(p));
      return port;
    }
  }
  throw new SippError('sipp: no free UDP port in 12000-19999');
}

const sipPort = (): Promise<number> => takePort(() => (nextSip = nextSip >= 13999 ? 12000 : nextSip + 1), 1);
// sipp binds the media port and +2 (video): take 4 at a time
const mediaPort = (): Promise<number> => takePort(() => (nextMedia = nextMedia >= 19992 ? 14000 : nextMedia + 4), 4);

// ---- running sipp ----
export interface SippCall {
  readonly pid: number;
  readonly sipPort: number;
  readonly mediaPort: number;
  readonly logDir: string;
  /** Settles when sipp exits; rejects (SippError) only when sipp could not run at all. */
  readonly done: Promise<SippResult>;
  /** Wait until the scenario logged `event` (count times); resolves with that line's Call-ID. */
  waitFor(event: SippEvent, timeoutMs?: number, count?: number): Promise<string>;
  /** The caller hangs up now: every answered call still open sends its BYE (and succeeds).
   *  Resolves once sipp was told; await `done` or waitFor('CALLER_BYE') for the end. */
  hangup(): Promise<void>;
  /** End sipp now: no new calls, answered calls hang up (as hangup()); calls still ringing
   *  are left to sipp; SIGKILL after 3 s (then Asterisk's rtp_timeout reaps the channel). */
  stop(): Promise<SippResult>;
}

/** Send a SIP MESSAGE for each Call-ID to sipp: the scenarios' wait loops take it as "hang up now". */
/** Send the "hang up now" MESSAGE for these Call-IDs to a sipp caller (every uac scenario takes it at any step). */
export async function poke(port: number, callIds: string[]): Promise<void> {
  if (callIds.length === 0) return;
  const sock = createSocket('udp4');
  try {
    for (const id of callIds) {
      const tag = Math.random().toString(36).slice(2);
      const msg = [
        'MESSAGE sip:caller@127.0.0.1 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-hotline-${tag}`,
        `From: <sip:harness@127.0.0.1>;tag=${tag}`, 'To: <sip:caller@127.0.0.1>',
        `Call-ID: ${id}`, 'CSeq: 1 MESSAGE', 'Max-Forwards: 70', 'Content-Length: 0', '', '',
      ].join('\r\n');
      await new Promise<void>((res, rej) => sock.send(msg, port, '127.0.0.1', (e) => (e ? rej(e) : res())));
    }
  } finally {
    sock.close();
  }
}

const readText = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
type StatRow = Record<string, string>;

function parseStats(file: string): { created: number; successful: number; failed: number; failures: Record<string, number>; statsRows: StatRow[] } {
  const lines = readText(file).split('\n').filter((l) => l.trim());
  const head = (lines[0] ?? '').split(';');
  const statsRows = lines.slice(1).map((l) => Object.fromEntries(l.split(';').map((v, i) => [head[i], v])) as StatRow);
  const last = statsRows[statsRows.length - 1] ?? {};
  const num = (name: string): number => Number(last[name] ?? 0) || 0;
  const failures: Record<string, number> = {};
  for (const h of head) {
    const m = /^(Failed\w+)\(C\)$/.exec(h);
    if (m && m[1] !== 'FailedCall' && num(h) > 0) failures[m[1]] = num(h);
  }
  return { created: num('OutgoingCall(C)'), successful: num('SuccessfulCall(C)'), failed: num('FailedCall(C)'), failures, statsRows };
}

function parseEvents(file: string): { events: Record<SippEvent, number>; lines: Array<[SippEvent, string]> } {
  const events: Record<SippEvent, number> = { ANSWERED: 0, DIGITS: 0, PBX_BYE: 0, CALLER_BYE: 0, REFUSED: 0 };
  const lines: Array<[SippEvent, string]> = [];
  for (const l of readText(file).split('\n')) {
    const m = /^(ANSWERED|DIGITS|PBX_BYE|CALLER_BYE|REFUSED) (\S+)/.exec(l.trim());
    if (m) { events[m[1] as SippEvent]++; lines.push([m[1] as SippEvent, m[2]]); }
  }
  return { events, lines };
}

/** sipp's error log minus the "receive timeout ... jumping to label" entries of the wait loops. */
function readErrors(file: string, max = 6000): string {
  const entries = readText(file).split(/(?=\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d+\t)/)
    .filter((e) => !/jumping to label/.test(e) && !/^The following events occurred:\s*$/.test(e));
  const text = entries.join('\n').trim();
  return text.length > max ? `...${text.slice(-max)}` : text;
}

async function launch(opts: SippOptions): Promise<SippCall & { ready(): Promise<SippError | undefined> }> {
  const file = opts.scenario.endsWith('.xml') ? opts.scenario : join(SCENARIO_DIR, `${opts.scenario}.xml`);
  if (!existsSync(file)) throw new SippError(`sipp: no scenario ${file}`);
  const calls = opts.calls ?? 1;
  const rate = opts.rate ?? 10;
  const recvTimeoutMs = opts.recvTimeoutMs ?? 30000;
  const hangupAfterMs = opts.hangupAfterMs ?? 0;
  const waitMs = opts.waitBeforeDigitsMs ?? 1000;
  const keys: Record<string, string> = { caller: opts.caller ?? '5550100', caller_name: opts.callerName ?? '', ...opts.keys };
  const vars: Record<string, string | number> = { hangup_after_ms: hangupAfterMs, ...opts.vars };
  if (/uac-dtmf\.xml$/.test(file)) {
    const pcap = opts.dtmfFile ?? (opts.digits ? dtmfPcap(opts.digits) : undefined);
    if (!pcap) throw new SippError('sipp: uac-dtmf needs digits or dtmfFile');
    keys.dtmf_file = pcap;
    vars.wait_ms = waitMs;
  }
  if (/uac-hangup\.xml$/.test(file) && !(hangupAfterMs > 0)) throw new SippError('sipp: uac-hangup needs hangupAfterMs > 0');

  const sip = opts.sipPort ?? (await sipPort());
  const media = opts.mediaPort ?? (await mediaPort());
  const logDir = mkdtempSync(join(tmpdir(), 'hotline-sipp-'));
  const f = (n: string): string => join(logDir, n);
  const target = opts.target ?? `127.0.0.1:${process.env.HOTLINE_SIP_PORT ?? '5060'}`;
  const args = [
    '-sf', file, '-s', opts.service, '-m', String(calls), '-r', String(rate), '-rp', '1000',
    '-l', String(opts.limit ?? Math.max(calls, 1)),
    '-i', '127.0.0.1', '-mi', '127.0.0.1', '-p', String(sip), '-mp', String(media),
    '-recv_timeout', String(recvTimeoutMs), '-aa', '-nostdin', ...SIPP_NO_WATCHDOG_EXIT,
    // One socket stands for every caller here: at sipp's default (64 KB) it overflowed at 300-500
    // calls/s whenever sipp was not scheduled for a moment (1,636 SIP packets dropped in one bench
    // step, /proc/net/udp), and each drop is a retransmission 0.5 s or 1.5 s later: refusals the
    // callers saw after 1 s. 4 MB (the kernel caps it at net.core.rmem_max/wmem_max).
    '-buff_size', '4194304',
    '-trace_stat', '-stf', f('stats.csv'), '-fd', '1',
    '-trace_err', '-error_file', f('errors.log'),
    '-trace_logs', '-log_file', f('calls.log'),
    ...(opts.traceMessages ? ['-trace_msg', '-message_file', f('messages.log')] : []),
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
    ...Object.entries(vars).flatMap(([k, v]) => ['-set', k, String(v)]),
    ...(opts.extraArgs ?? []),
    target,
  ];
  const out = openSync(f('screen.log'), 'w');
  const err = openSync(f('stderr.log'), 'w');
  const started = Date.now();
  // `chrt` and `nice` exec sipp in its own process: the pid, signals and exit code stay sipp's.
  const [command, argv] = opts.realtimePriority ? ['chrt', ['--rr', String(opts.realtimePriority), 'sipp', ...args]]
    : opts.nice ? ['nice', ['-n', String(opts.nice), 'sipp', ...args]] : ['sipp', args];
  const child = spawn(command, argv, { stdio: ['ignore', out, err] });
  closeSync(out);
  closeSync(err);

  let stopped = false;
  let exited = false;
  let finalLines: Array<[SippEvent, string]> | undefined; // calls.log as sipp left it
  const eventLines = (): Array<[SippEvent, string]> => finalLines ?? parseEvents(f('calls.log')).lines;
  const release = (): void => { inUse.delete(sip); for (let k = 0; k < 4; k++) inUse.delete(media + k); };
  const collect = (code: number | null, signal: NodeJS.Signals | null): SippResult => {
    const stats = parseStats(f('stats.csv'));
    const ev = parseEvents(f('calls.log'));
    finalLines = ev.lines;
    const stderr = readText(f('stderr.log')).split('\n').filter((l) => !/^(In pcap|max pkt length|base port)/.test(l)).join('\n').trim();
    return {
      exitCode: code, signal, ...stats, events: ev.events,
      callIds: ev.lines.filter(([e]) => e === 'ANSWERED').map(([, id]) => id),
      stopped, durationMs: Date.now() - started, sipPort: sip, mediaPort: media, logDir,
      errors: readErrors(f('errors.log')), stderr: stderr.slice(-3000), command: args,
    };
  };
  const done = new Promise<SippResult>((resolve, reject) => {
    child.once('error', (e) => { exited = true; release(); reject(new SippError(`sipp: cannot start: ${e.message}`)); });
    child.once('exit', (code, signal) => {
      exited = true;
      release();
      clearTimeout(deadline);
      const r = collect(code, signal);
      // no stats at all: sipp never ran the scenario (bad XML, port taken ...)
      if (r.created === 0 && !stopped && code !== 0) return reject(new SippError('sipp: did not run', r));
      if (code === 0 && r.failed === 0 && !(opts.keepLogs ?? process.env.HOTLINE_SIPP_KEEP_LOGS === '1')) {
        rmSync(logDir, { recursive: true, force: true });
      }
      resolve(r);
    });
  });
  done.catch(() => undefined); // the caller decides; avoid an unhandled rejection meanwhile

  // calls answered and not ended yet
  const openCalls = (): string[] => {
    const ended = new Set<string>();
    const answered: string[] = [];
    for (const [e, id] of eventLines()) {
      if (e === 'ANSWERED') answered.push(id); else if (e === 'PBX_BYE' || e === 'CALLER_BYE') ended.add(id);
    }
    return answered.filter((id) => !ended.has(id));
  };
  // sipp writes its log lines when it likes: an ANSWERED line may not be there yet, and a
  // MESSAGE can arrive before the wait loop takes it. Poke again until the call ended (5 s at most).
  const finished = (id: string): boolean => eventLines().some(([e, x]) => x === id && (e === 'PBX_BYE' || e === 'CALLER_BYE'));
  const hangup = async (): Promise<void> => {
    await pokeUntilEnded();
    await endFromAsterisk();
  };
  // A one-call sipp has been seen (under load) to miss every poke and keep talking: if the
  // caller's channel is still up 2 s after the pokes, Asterisk hangs it up (the caller gets a BYE).
  const endFromAsterisk = async (): Promise<void> => {
    if ((opts.calls ?? 1) !== 1 || !opts.caller || exited) return;
    const channel = () => cli('core show channels concise').split('\n').map((l) => l.split('!')).find((f) => f[0]?.startsWith('PJSIP/callers-') && f[7] === opts.caller)?.[0];
    for (const until = Date.now() + 2000; Date.now() < until; await sleep(200)) if (exited || !channel()) return;
    const name = channel();
    if (name) cli(`channel request hangup ${name}`);
  };
  const pokeUntilEnded = async (): Promise<void> => {
    const until = Date.now() + 5000;
    // Each call is poked at most every 2 s: a second MESSAGE while its BYE is under way would fail it.
    const last = new Map<string, number>();
    // A one-call sipp's Call-ID is known (sipp's default "<call number>-<pid>@<local ip>"): when
    // its ANSWERED line has not reached calls.log yet, poke that call directly.
    const single = (opts.calls ?? 1) === 1 ? `1-${child.pid}@127.0.0.1` : undefined;
    const started = Date.now();
    while (!exited && Date.now() < until) {
      let ids = openCalls();
      if (ids.length === 0 && last.size) {
        if (!single || !last.has(single) || finished(single)) return;
        ids = [single];
      }
      if (ids.length === 0 && single && Date.now() - started > 500 && !finished(single)) ids = [single];
      const due = ids.filter((id) => Date.now() - (last.get(id) ?? 0) > 2000);
      if (due.length) {
        await poke(sip, due).catch(() => undefined);
        due.forEach((id) => last.set(id, Date.now()));
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const stop = async (): Promise<SippResult> => {
    if (!exited) {
      stopped = true;
      child.kill('SIGUSR1'); // place no more calls; exit when the open ones ended
      // tell every answered call to hang up, again for calls answered meanwhile; then SIGKILL
      const poked = new Set<string>();
      const until = Date.now() + 3000;
      while (!exited && Date.now() < until) {
        const ids = openCalls().filter((id) => !poked.has(id));
        ids.forEach((id) => poked.add(id));
        await poke(sip, ids).catch(() => undefined);
        await sleep(100);
      }
      if (!exited) child.kill('SIGKILL');
    }
    return done;
  };
  const deadlineMs = opts.deadlineMs
    ?? (calls / rate) * 1000 + recvTimeoutMs * 2 + hangupAfterMs + waitMs + 15000;
  const deadline = setTimeout(() => { void stop(); }, deadlineMs);
  deadline.unref();

  const waitFor = async (event: SippEvent, timeoutMs = 15000, count = 1): Promise<string> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hits = eventLines().filter(([e]) => e === event);
      if (hits.length >= count) return hits[count - 1][1];
      if (exited) throw new SippError(`sipp: ended before ${event} x${count}`, await done.catch((e: SippError) => e.result));
      if (Date.now() > until) throw new SippError(`sipp: no ${event} x${count} within ${timeoutMs} ms (logs in ${logDir})`);
      await sleep(50);
    }
  };

  // running once sipp wrote its first stats line (its sockets are bound by then)
  const ready = async (): Promise<SippError | undefined> => {
    for (const until = Date.now() + 5000; Date.now() < until && !exited && !existsSync(f('stats.csv'));) {
      await sleep(10);
    }
    return exited ? done.then(() => undefined, (e: SippError) => e) : undefined;
  };

  return { pid: child.pid ?? -1, sipPort: sip, mediaPort: media, logDir, done, waitFor, hangup, stop, ready };
}

/** Start sipp; the handle lets a test wait for the answer, act, then await the end or stop it.
 *  Resolves once sipp runs (a port another process took meanwhile: retried on other ports). */
export async function startCall(opts: SippOptions): Promise<SippCall> {
  for (let attempt = 1; ; attempt++) {
    const call = await launch(opts);
    const failed = await call.ready();
    if (!failed) return call;
    if (attempt >= 3 || !/Unable to bind/i.test(failed.message)) throw failed;
  }
}

/** Run sipp to its end (or the deadline) and return the counts; see assertCallsSucceeded. */
export async function runSipp(opts: SippOptions): Promise<SippResult> {
  return (await startCall(opts)).done;
}
