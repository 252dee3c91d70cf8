// Runs the real Hotline service as a child process (node + tsx, as `npm start` does),
// on a free port, with its log captured so tests can read what it wrote.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';
import { PBX_PROMPTS_DIR, ROOT, waitUntil } from './pbx.js';
import { api, rememberToken } from './api.js';

/** The first admin every test Hotline creates (HOTLINE_BOOTSTRAP_ADMIN_PASSWORD). */
export const TEST_ADMIN = { username: 'admin', password: 'Test-Hotline-passw0rd!' };

export type LogLine = Record<string, unknown> & { level: number; msg: string };

export interface HotlineProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Log lines (pino JSON) parsed; non-JSON lines are skipped. */
  logLines(): LogLine[];
  /**
   * The log lines `match` picks, once there are at least `count` of them (default 1). A line is written
   * after the change it reports (a row updated, a state set) and reaches the test through a pipe: a
   * test that saw the change waits for its line here rather than reading logLines() at once.
   */
  waitForLog(what: string, match: (l: LogLine) => boolean, opts?: { count?: number; timeoutMs?: number }): Promise<LogLine[]>;
  health(): Promise<{ status: number; body: any }>;
  /** Resolves once /health says ARI (and AMI) are up. */
  waitForPbx(timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}


/** Everything every Hotline started by the suite wrote: the last test scans it for secrets. */
export const suiteOutputs: Array<() => string> = [];

/** Every Hotline started by a test, so a failed test still stops its process. */
const live = new Set<HotlineProcess>();

export async function stopAllHotlines(): Promise<void> {
  await Promise.all([...live].map((h) => h.stop('SIGKILL')));
}

/**
 * Which Asterisk a started Hotline drives: the one the rest of the harness uses (test/support/pbx.ts
 * follows HOTLINE_PBX_DIR and the ports), so a test pointed at another Asterisk (a bench's own)
 * never takes the shared one's Stasis app from a suite running there.
 */
function pbxEnv(): Record<string, string> {
  const keys = ['HOTLINE_ARI_URL', 'HOTLINE_ARI_APP', 'HOTLINE_AMI_HOST', 'HOTLINE_AMI_PORT'];
  return Object.fromEntries(keys.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

/** A Hotline with no Asterisk (ARI and AMI pointed at free ports nobody listens on): for the console's and API's own tests. */
export async function startHotlineWithoutPbx(env: Record<string, string>): Promise<HotlineProcess> {
  return startHotline({ HOTLINE_ARI_URL: `http://127.0.0.1:${await freePort()}`, HOTLINE_AMI_PORT: String(await freePort()), ...env }, { waitForPbx: false });
}

export async function startHotline(env: Record<string, string>, opts: { waitForPbx?: boolean } = {}): Promise<HotlineProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', HOTLINE_HTTP_PORT: String(port), HOTLINE_LOG_LEVEL: 'info', HOTLINE_PROMPTS_DIR: PBX_PROMPTS_DIR, HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: TEST_ADMIN.password, ...pbxEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const health = async () => {
    // A pooled keep-alive socket the server closed while this process was blocked (execFileSync
    // of pbx:down, say) fails once with "other side closed": ask again on a fresh one.
    const res = await fetch(`${url}/health`).catch(() => fetch(`${url}/health`));
    return { status: res.status, body: await res.json() };
  };
  const logLines = (): LogLine[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l)];
        } catch {
          return [];
        }
      });
  const proc: HotlineProcess = {
    url,
    port,
    child,
    exited,
    output: () => out,
    logLines,
    waitForLog: (what, match, { count = 1, timeoutMs = 5000 } = {}) =>
      waitUntil(`Hotline to log ${what}`, () => {
        const lines = logLines().filter(match);
        return lines.length >= count ? lines : undefined;
      }, timeoutMs, 50),
    health,
    async waitForPbx(timeoutMs = 20_000) {
      await waitUntil('Hotline to report ARI and AMI up', async () => {
        const h = await health().catch(() => undefined);
        return h?.body?.ari?.up && h.body.ami?.up;
      }, timeoutMs);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      live.delete(proc);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  live.add(proc);
  suiteOutputs.push(() => out);
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  await waitUntil(`Hotline HTTP on port ${port} (output: ${out.slice(-500)})`, async () => {
    if (exitedEarly) throw new Error(`Hotline exited during start:\n${out}`);
    return (await health().catch(() => undefined)) !== undefined;
  }, 30_000);
  let lastLogin = '';
  const login = await waitUntil('the API to take the admin login', async () => {
    const res = await api(url, 'POST', '/api/auth/login', TEST_ADMIN, null);
    lastLogin = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    return res.status === 503 ? undefined : res;
    // A new MariaDB database gets every migration first: about a second on a quiet box, but a
    // node of the loaded full run was still migrating after 30 s (MariaDB answered after up to 12 s).
  }, 90_000).catch((err: Error) => {
    throw new Error(`${err.message}; last answer: ${lastLogin || 'none'}; Hotline's output (tail): ${out.slice(-1500)}`);
  });
  if (login.status !== 200) throw new Error(`test admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  rememberToken(url, login.body.token as string);
  if (opts.waitForPbx ?? true) await proc.waitForPbx();
  return proc;
}

export { freePort };

/** Runs `app/main.ts` once with only `env` (no defaults of startHotline) until it exits or 20 s pass: for startup refusals. */
export function runHotlineOnce(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}
