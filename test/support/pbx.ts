// The real Asterisk 22 for integration tests: started (or reused) by scripts/pbx-up.sh.
// A test that needs it calls ensurePbx() in its before hook; if Asterisk cannot be
// started, the hook throws and the test fails loudly: it never skips.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PBX_DIR = process.env.HOTLINE_PBX_DIR ?? '/var/lib/hotline/pbx';
export const PBX_LOG = `${PBX_DIR}/var/log/asterisk/messages`;
/** Where Hotline's prompt library must be for this Asterisk to play it as sound:hotline/<name>. */
export const PBX_PROMPTS_DIR = `${PBX_DIR}/usr/share/asterisk/sounds/hotline`;

let up = false;

/**
 * Asterisk started (or reused) and fit for calls: exactly one main Asterisk whose ARI, AMI and SIP
 * all answer (scripts/pbx-check.sh). Checked in every call-test file's before hook; a broken
 * precondition is repaired once by pbx-up (which stops duplicates) and otherwise fails here, once,
 * with its cause, instead of as twenty call timeouts.
 */
export function ensurePbx(): void {
  if (up && pbxCheck().ok) return watchPbx();
  execFileSync('bash', [`${ROOT}/scripts/pbx-up.sh`], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
  const check = pbxCheck();
  if (!check.ok) {
    up = false;
    throw new Error(`Asterisk is not fit for call tests after pbx-up:\n${check.report}\nlog: ${PBX_LOG}`);
  }
  up = true;
  watchPbx();
}

/** Main Asterisk processes on PBX_DIR's default configuration, from /proc (scripts/pbx-env.sh pbx_pids, never the pid file). */
export function pbxPids(): number[] {
  const out = execFileSync('bash', ['-c', `. "${ROOT}/scripts/pbx-env.sh"; pbx_pids`], { encoding: 'utf8', timeout: 10_000 });
  return out.split('\n').filter(Boolean).map(Number);
}

/**
 * Stops the main Asterisk (SIGSTOP: as a starved one looks from outside) for `ms` while `during`
 * starts whatever should meet it stopped, then lets it run again (SIGCONT), whatever happened.
 * `during` answers at once; what it started (a sipp run) is awaited by the caller afterwards.
 */
export async function withPbxStopped<T>(ms: number, during: () => T = () => undefined as T): Promise<T> {
  const [pid] = pbxPids();
  if (!pid) throw new Error('no Asterisk process to stop (is the lab Asterisk up?)');
  process.kill(pid, 'SIGSTOP');
  try {
    const started = during();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return started;
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

/** The main Asterisk running now (the first of pbxPids(), as pbx_pid answers), or undefined. */
export function pbxPidNow(): number | undefined {
  try {
    return pbxPids()[0];
  } catch {
    return undefined;
  }
}

/**
 * Hands the Asterisk just found fit to the suite's watch (test/support/pbx-watch.cjs): between
 * tests it notices an Asterisk that died (a crash, not a test's own restart: then another one runs),
 * says so once with the kernel's and Asterisk's last words, and starts it again, so the file's
 * next case does not fail for the same cause.
 */
function watchPbx(): void {
  (globalThis as { __hotlinePbxWatch?: unknown }).__hotlinePbxWatch = {
    pid: pbxPidNow(),
    dir: PBX_DIR,
    log: PBX_LOG,
    now: pbxPidNow,
    repair: () => {
      up = false;
      ensurePbx();
    },
  };
}

/** scripts/pbx-check.sh: one line per problem, or one "ok" line. */
export function pbxCheck(): { ok: boolean; report: string } {
  try {
    return { ok: true, report: execFileSync('bash', [`${ROOT}/scripts/pbx-check.sh`], { encoding: 'utf8', timeout: 20_000 }).trim() };
  } catch (err) {
    const e = err as { stdout?: string; message: string };
    return { ok: false, report: String(e.stdout ?? '').trim() || e.message };
  }
}

export function pbxDown(): void {
  execFileSync('bash', [`${ROOT}/scripts/pbx-down.sh`], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
  up = false;
}

export function pbxUp(): void {
  up = false;
  ensurePbx();
}

export function cli(command: string): string {
  try {
    return execFileSync('chroot', [PBX_DIR, 'asterisk', '-rx', command], { encoding: 'utf8', timeout: 15_000 });
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? '');
  }
}

/** Number of active channels Asterisk reports right now. */
export function activeChannels(): number {
  const m = /(\d+) active channels?/.exec(cli('core show channels count'));
  return m ? Number(m[1]) : -1;
}

/** Hangs up every channel (cleanup between tests, so one failure does not cascade). */
export function hangupAll(): void {
  cli('channel request hangup all');
}

export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 15_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Whether this machine lets root run a process at realtime priority (scripts/pbx-env.sh pbx_realtime_possible). */
/** SCHED_RR, as /proc reports a thread's policy. */
export const SCHED_RR = 2;

/** Every thread of a process: its scheduling policy and realtime priority (/proc stat fields 41
 *  and 40, counted after the name, which may hold spaces). */
export function threadScheduling(pid: number): Array<{ policy: number; priority: number }> {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { policy: Number(rest[38]), priority: Number(rest[37]) };
  });
}

export function realtimePossible(): boolean {
  try {
    execFileSync('chrt', ['-r', '1', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
