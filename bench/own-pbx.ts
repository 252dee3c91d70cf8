// A benchmark's OWN Asterisk, so a bench never holds (or disturbs) the shared one the test suites
// use: its own chroot (copied from the shared one on first use), its own ports and ARI app.
// ownPbx() points every helper (scripts/pbx-*.sh, test/support/pbx.ts and sipp.ts, the Hotline
// the bench starts) at it by setting HOTLINE_* before they are imported: import the module
// that calls it FIRST (bench/soak-env.ts, bench/calls-env.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// No import of test/support/pbx.ts here: it reads HOTLINE_PBX_DIR when loaded, before ownPbx() set it.
const env = process.env;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED_PBX_DIR = env.HOTLINE_PBX_DIR ?? '/var/lib/hotline/pbx';

export interface OwnPbx { dir: string; ariPort: string; amiPort: string; sipPort: string; app: string }

/** The bench's Asterisk: `defaults`, each overridable by BENCH_PBX_DIR / _ARI_PORT / _AMI_PORT / _SIP_PORT / _ARI_APP. */
export function ownPbx(bench: string, defaults: OwnPbx): OwnPbx {
  const pbx: OwnPbx = {
    dir: env.BENCH_PBX_DIR ?? defaults.dir,
    ariPort: env.BENCH_PBX_ARI_PORT ?? defaults.ariPort,
    amiPort: env.BENCH_PBX_AMI_PORT ?? defaults.amiPort,
    sipPort: env.BENCH_PBX_SIP_PORT ?? defaults.sipPort,
    app: env.BENCH_PBX_ARI_APP ?? defaults.app,
  };
  if (pbx.dir === SHARED_PBX_DIR || pbx.ariPort === '8088' || pbx.sipPort === '5060' || pbx.amiPort === '5038') {
    throw new Error(`${bench} runs its own Asterisk: BENCH_PBX_DIR and its ports must differ from the shared one`);
  }
  env.HOTLINE_PBX_DIR = pbx.dir;
  env.HOTLINE_ARI_PORT = pbx.ariPort;
  env.HOTLINE_ARI_URL = `http://127.0.0.1:${pbx.ariPort}`;
  env.HOTLINE_AMI_PORT = pbx.amiPort;
  env.HOTLINE_SIP_PORT = pbx.sipPort;
  env.HOTLINE_ARI_APP = pbx.app;
  return pbx;
}

/**
 * A fresh chroot for the bench's Asterisk at `dir`: a copy of the shared one (seconds, where
 * debootstrap takes minutes), stopped if it ran, without the queues, agents, prompts and logs
 * of an earlier run.
 */
export function prepareChroot(dir: string, log: (s: string) => void): void {
  if (!existsSync(join(dir, '.hotline-chroot-ready'))) {
    if (!existsSync(join(SHARED_PBX_DIR, '.hotline-chroot-ready'))) {
      log(`no chroot at ${SHARED_PBX_DIR} to copy; scripts/pbx-up.sh will debootstrap ${dir}`);
      return;
    }
    log(`copying the Asterisk chroot ${SHARED_PBX_DIR} -> ${dir}`);
    execFileSync('rsync', ['-a', '--exclude=/run', '--exclude=/var/log', '--exclude=/proc', '--exclude=/sys',
      '--exclude=/.hotline-started-by-pbx-up', `${SHARED_PBX_DIR}/`, `${dir}/`], { stdio: 'inherit' });
  }
  if (existsSync(join(dir, '.hotline-started-by-pbx-up'))) {
    execFileSync('bash', [join(ROOT, 'scripts/pbx-down.sh')], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000, env: { ...env, HOTLINE_PBX_DIR: dir } });
  }
  const etc = join(dir, 'etc/asterisk');
  for (const f of readdirSync(etc)) if (f.endsWith('_hotline.conf')) rmSync(join(etc, f));
  rmSync(join(dir, 'var/lib/asterisk/astdb.sqlite3'), { force: true });
  const prompts = join(dir, 'usr/share/asterisk/sounds/hotline');
  if (existsSync(prompts)) for (const f of readdirSync(prompts)) rmSync(join(prompts, f), { force: true });
  // var/log is not copied: its CDR directories are made again (without them Asterisk logs an
  // error for every call's CDR, CPU the shared lab's Asterisk does not spend).
  for (const d of ['run', 'proc', 'sys', 'var/log/asterisk/cdr-csv', 'var/log/asterisk/cdr-custom']) execFileSync('mkdir', ['-p', join(dir, d)]);
  rmSync(join(dir, 'var/log/asterisk/messages'), { force: true });
  rmSync(join(dir, 'var/log/asterisk/queue_log'), { force: true });
}
