// A second Asterisk in the chroot that holds Hotline's (same binary; scripts/pbx-up.sh must have
// created the chroot), for tests that need a PBX Hotline does not own: the attach tests' existing
// PBX, the FreePBX-style one, the fax far end. Each has its own config (a fixtures folder copied
// to /etc/asterisk-<name>) and its own run/log/spool/lib/cache directories, its own AMI port, no
// ARI; every CLI command goes through `-C /etc/asterisk-<name>/asterisk.conf`, never the main
// instance's socket. start() stops a copy a previous run left up, installs, starts and waits.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { PBX_DIR, realtimePossible, waitUntil } from './pbx.js';

export interface SidePbxOptions {
  /** Its directories are /etc/asterisk-<name>, /var/log/asterisk-<name> ... inside the chroot. */
  name: string;
  /** What tests call it in messages ("the existing PBX"). */
  label: string;
  /** Folder of its .conf files. */
  fixtures: string;
  amiPort: number;
}

export class SidePbx {
  readonly conf: string;
  readonly dirs: string[];
  /** Its log directory as the host sees it. */
  readonly logDir: string;
  private readonly pidFile: string;

  constructor(readonly o: SidePbxOptions) {
    this.conf = `/etc/asterisk-${o.name}/asterisk.conf`;
    this.dirs = ['etc', 'lib', 'lib/keys', 'log', 'spool', 'run', 'cache'].map((d) => {
      const [top, sub] = d.split('/');
      const base = top === 'etc' ? '/etc' : top === 'run' ? '/run' : `/var/${top}`;
      return `${base}/asterisk-${o.name}${sub ? `/${sub}` : ''}`;
    });
    this.logDir = `${PBX_DIR}/var/log/asterisk-${o.name}`;
    this.pidFile = `${PBX_DIR}/run/asterisk-${o.name}/asterisk.pid`;
  }

  /** A CLI command on this PBX (its output; on failure whatever it printed). */
  cli(command: string): string {
    try {
      return execFileSync('chroot', [PBX_DIR, '/usr/sbin/asterisk', '-C', this.conf, '-rx', command], { encoding: 'utf8', timeout: 15_000 });
    } catch (err) {
      return String((err as { stdout?: string }).stdout ?? '');
    }
  }

  private runningPid(): number | null {
    if (!existsSync(this.pidFile)) return null;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    if (!pid) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  private amiAnswers(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(this.o.amiPort, '127.0.0.1');
      const done = (ok: boolean) => (s.destroy(), resolve(ok));
      s.setTimeout(1000, () => done(false));
      s.once('error', () => done(false));
      s.once('data', (d) => done(d.toString().startsWith('Asterisk Call Manager')));
    });
  }

  /**
   * Installs the fixture config (each file through `edit` if given) and creates the directories
   * (owned by asterisk); `freshLogs` are emptied (the tests compare Hotline with them).
   */
  private install(edit: (file: string, text: string) => string, freshLogs: string[]): void {
    if (!existsSync(`${PBX_DIR}/usr/sbin/asterisk`)) {
      throw new Error(`no Asterisk chroot at ${PBX_DIR}: run \`npm run pbx:up\` first (it creates the chroot ${this.o.label} runs in)`);
    }
    const etc = `${PBX_DIR}/etc/asterisk-${this.o.name}`;
    for (const d of this.dirs) mkdirSync(`${PBX_DIR}${d}`, { recursive: true });
    for (const f of readdirSync(etc)) rmSync(join(etc, f), { force: true, recursive: true });
    for (const f of readdirSync(this.o.fixtures).filter((n) => n.endsWith('.conf'))) {
      writeFileSync(join(etc, f), edit(f, readFileSync(join(this.o.fixtures, f), 'utf8')));
      chmodSync(join(etc, f), 0o640);
    }
    for (const f of ['messages', ...freshLogs]) writeFileSync(join(this.logDir, f), '');
    execFileSync('chroot', [PBX_DIR, 'chown', '-R', 'asterisk:asterisk', ...this.dirs], { stdio: 'inherit' });
  }

  /** Starts it afresh; resolves once its AMI answers and `ready` says its own parts are up. */
  async start(opts: { ready: () => boolean; readyWhat: string; edit?: (file: string, text: string) => string; freshLogs?: string[]; clean?: () => void }): Promise<void> {
    await this.stop();
    opts.clean?.();
    this.install(opts.edit ?? ((_f, t) => t), opts.freshLogs ?? []);
    // At realtime priority (-p), as the lab Asterisk runs (asterisk-config/asterisk.conf
    // highpriority): at normal priority a loaded box stretched this PBX's prompts and queue
    // timeouts (a full run beside two busy processes failed its overflow timing). Where the
    // machine refuses realtime, as it starts without.
    const priority = realtimePossible() ? ['-p'] : [];
    const child = spawn('setsid', ['nohup', 'chroot', PBX_DIR, '/usr/sbin/asterisk', '-C', this.conf, '-U', 'asterisk', '-G', 'asterisk', ...priority, '-f'], { stdio: 'ignore', detached: true });
    child.unref();
    await waitUntil(`${this.o.label} to answer on AMI ${this.o.amiPort}`, () => this.amiAnswers(), 60_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.tail('messages')}`);
    });
    await waitUntil(`${this.o.label} to have ${opts.readyWhat}`, () => opts.ready(), 30_000, 250);
  }

  /** Stops it (if running): `core stop now` on its own socket, then its pid if it lingers. */
  async stop(): Promise<void> {
    const pid = this.runningPid();
    if (!pid) return;
    this.cli('core stop now');
    const gone = await waitUntil(`${this.o.label} to stop`, () => this.runningPid() === null, 10_000, 100).catch(() => false);
    if (!gone) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await waitUntil(`${this.o.label} to be killed`, () => this.runningPid() === null, 5000, 100);
    }
  }

  /** The last lines of one of its logs. */
  tail(file: string, lines = 20): string {
    const p = join(this.logDir, file);
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }
}
