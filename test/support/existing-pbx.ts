// "The existing PBX" for the attach tests: a second Asterisk in the chroot that holds
// Hotline's (same binary, scripts/pbx-up.sh must have created the chroot), with its own config
// (test/fixtures/existing-pbx -> /etc/asterisk-existing) and its own run/log/spool/lib/cache
// directories. AMI 127.0.0.1:5039 (a read-only account for Hotline), SIP udp 127.0.0.1:5070,
// no HTTP/ARI. Its agents' phones are sipp UAS on 5171-5172. It is started fresh (stopped
// first if a previous run left it up) and stopped by its own control socket, never the main
// instance's: every CLI command here goes through `-C /etc/asterisk-existing/asterisk.conf`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { PBX_DIR, ROOT, waitUntil } from './pbx.js';

const CONF = '/etc/asterisk-existing/asterisk.conf';
const FIXTURES = join(ROOT, 'test/fixtures/existing-pbx');
/** Directories of the instance, inside the chroot (see its asterisk.conf). */
const DIRS = ['/etc/asterisk-existing', '/var/lib/asterisk-existing', '/var/lib/asterisk-existing/keys', '/var/log/asterisk-existing', '/var/spool/asterisk-existing', '/run/asterisk-existing', '/var/cache/asterisk-existing'];
const PIDFILE = `${PBX_DIR}/run/asterisk-existing/asterisk.pid`;
export const EXISTING_LOG_DIR = `${PBX_DIR}/var/log/asterisk-existing`;

export const EXISTING = {
  amiPort: 5039,
  sipTarget: '127.0.0.1:5070',
  /** The AMI account Hotline is given: read = system,call,agent,reporting; write = reporting. */
  user: 'hotline-ro',
  secret: 'existing-ro-secret',
  queue: 'existing-sales',
  salesNumber: '200',
  messageNumber: '201',
  /** Its static queue members; their phones answer on these SIP ports. */
  agents: [
    { interface: 'PJSIP/ext-agent1', name: 'Alice', sipPort: 5171 },
    { interface: 'PJSIP/ext-agent2', name: 'Bob', sipPort: 5172 },
  ],
} as const;

/** A CLI command on the existing PBX (never on the main instance). */
export function existingCli(command: string): string {
  try {
    return execFileSync('chroot', [PBX_DIR, '/usr/sbin/asterisk', '-C', CONF, '-rx', command], { encoding: 'utf8', timeout: 15_000 });
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? '');
  }
}

function runningPid(): number | null {
  if (!existsSync(PIDFILE)) return null;
  const pid = Number(readFileSync(PIDFILE, 'utf8').trim());
  if (!pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function amiAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (d) => done(d.toString().startsWith('Asterisk Call Manager')));
  });
}

/** Installs the fixture config into the chroot and creates the instance's directories (owned by asterisk). */
function install(): void {
  if (!existsSync(`${PBX_DIR}/usr/sbin/asterisk`)) {
    throw new Error(`no Asterisk chroot at ${PBX_DIR}: run \`npm run pbx:up\` first (it creates the chroot the existing PBX runs in)`);
  }
  const etc = `${PBX_DIR}/etc/asterisk-existing`;
  for (const d of DIRS) mkdirSync(`${PBX_DIR}${d}`, { recursive: true });
  for (const f of readdirSync(etc)) rmSync(join(etc, f), { force: true, recursive: true });
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.conf'))) {
    copyFileSync(join(FIXTURES, f), join(etc, f));
    chmodSync(join(etc, f), 0o640);
  }
  // A fresh queue_log and message log for every run: the test compares Hotline with them.
  for (const f of ['queue_log', 'messages']) writeFileSync(join(EXISTING_LOG_DIR, f), '');
  execFileSync('chroot', [PBX_DIR, 'chown', '-R', 'asterisk:asterisk', ...DIRS], { stdio: 'inherit' });
}

/** Starts the existing PBX afresh and waits for its AMI and SIP transport. */
export async function startExistingPbx(): Promise<void> {
  await stopExistingPbx();
  install();
  const child = spawn('setsid', ['nohup', 'chroot', PBX_DIR, '/usr/sbin/asterisk', '-C', CONF, '-U', 'asterisk', '-G', 'asterisk', '-f'], { stdio: 'ignore', detached: true });
  child.unref();
  await waitUntil('the existing PBX to answer on AMI 5039', () => amiAnswers(EXISTING.amiPort), 60_000, 250).catch((err: Error) => {
    throw new Error(`${err.message}\n${tail(`${EXISTING_LOG_DIR}/messages`)}`);
  });
  await waitUntil('the existing PBX to have its SIP transport and queue', () => /transport-udp/.test(existingCli('pjsip show transports')) && existingCli(`queue show ${EXISTING.queue}`).includes('Alice'), 30_000, 250);
}

/** Stops the existing PBX (if running): `core stop now` on its own socket, then its pid if it lingers. */
export async function stopExistingPbx(): Promise<void> {
  const pid = runningPid();
  if (!pid) return;
  existingCli('core stop now');
  const gone = await waitUntil('the existing PBX to stop', () => runningPid() === null, 10_000, 100).catch(() => false);
  if (!gone) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await waitUntil('the existing PBX to be killed', () => runningPid() === null, 5000, 100);
  }
}

/** The queue_log lines of a queue: { callid, agent, event, data[] }. */
export function queueLog(queue: string): Array<{ time: number; callid: string; agent: string; event: string; data: string[] }> {
  const file = `${EXISTING_LOG_DIR}/queue_log`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('|')).filter((p) => p[2] === queue)
    .map(([time, callid, , agent, event, ...data]) => ({ time: Number(time), callid: callid!, agent: agent!, event: event!, data }));
}

const tail = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '');
