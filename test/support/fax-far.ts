// "The fax far end" for the fax tests: a second Asterisk in the chroot that holds Hotline's (same
// binary; scripts/pbx-up.sh must have created the chroot), with its own config
// (test/fixtures/fax-far -> /etc/asterisk-faxfar) and its own run/log/spool/lib/cache
// directories, started the way test/support/existing-pbx.ts starts the attach tests' PBX.
// AMI 127.0.0.1:5041, SIP udp 127.0.0.1:5081, no HTTP/ARI. It sends faxes to Hotline's numbers
// (SendFAX, originated over its AMI) and receives the faxes Hotline sends (ReceiveFAX); results
// are kept in its AstDB. Every CLI command goes through `-C /etc/asterisk-faxfar/asterisk.conf`.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { PBX_DIR, ROOT } from './pbx.js';
import { SidePbx } from './side-pbx.js';

const pbx = new SidePbx({ name: 'faxfar', label: 'the fax far end', fixtures: join(ROOT, 'test/fixtures/fax-far'), amiPort: 5041 });
/** The far end's spool as the host sees it (and as the far end sees it). */
export const FAR_SPOOL = { host: `${PBX_DIR}/var/spool/asterisk-faxfar`, pbx: '/var/spool/asterisk-faxfar' };
/** Hotline's fax directories for the chroot's Asterisk (HOTLINE_FAX_PBX_DIR / _LOCAL_DIR). */
export const FAX_ENV = { HOTLINE_FAX_PBX_DIR: '/var/spool/asterisk/fax', HOTLINE_FAX_LOCAL_DIR: `${PBX_DIR}/var/spool/asterisk/fax` };
export const FAR = { amiPort: 5041, sipPort: 5081, user: 'faxfar', secret: 'faxfar-test-secret' } as const;

export function farCli(command: string): string {
  return pbx.cli(command);
}

/** A value of the far end's AstDB, or null. */
export function farDb(family: string, key: string): string | null {
  const m = /^Value:\s*(.*)$/m.exec(farCli(`database get ${family} ${key}`));
  return m ? m[1]!.trim() : null;
}

export function farDbPut(family: string, key: string, value: string): void {
  farCli(`database put ${family} ${key} ${value}`);
}

/** Starts the far end afresh (T.38 offered or not) and waits for its AMI, SIP transport and fax modules. */
export async function startFaxFar(opts: { t38: boolean; hotlineSipPort?: number }): Promise<void> {
  const lib = `${PBX_DIR}/var/lib/asterisk-faxfar`;
  await pbx.start({
    readyWhat: 'its SIP transport and fax modules',
    ready: () => /transport-udp/.test(farCli('pjsip show transports')) && /spandsp/i.test(farCli('fax show version')),
    // A fresh AstDB every start: results of an earlier run must not pass for this one's.
    clean: () => {
      if (existsSync(lib)) for (const f of readdirSync(lib)) if (f.startsWith('astdb')) rmSync(join(lib, f), { force: true });
    },
    edit: (file, text) => (file === 'pjsip.conf' ? text.replaceAll('@T38@', opts.t38 ? 'yes' : 'no').replaceAll('@HOTLINE_SIP@', String(opts.hotlineSipPort ?? 5060)) : text),
  });
}

export function stopFaxFar(): Promise<void> {
  return pbx.stop();
}

/** One AMI action on the far end (login, action, logoff); resolves with the action's response block. */
export function farAmi(action: string, fields: Array<[string, string]>): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(FAR.amiPort, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`far end AMI ${action}: no answer`))), 10_000);
    const send = (lines: Array<[string, string]>) => s.write(lines.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n');
    s.once('connect', () => {
      send([['Action', 'Login'], ['Username', FAR.user], ['Secret', FAR.secret], ['Events', 'off'], ['ActionID', 'login']]);
      send([['Action', action], ...fields, ['ActionID', 'act']]);
    });
    s.on('data', (d) => {
      buf += d.toString();
      const block = buf.split('\r\n\r\n').find((b) => /ActionID: act/.test(b));
      if (!block) return;
      clearTimeout(timer);
      s.end('Action: Logoff\r\n\r\n');
      if (/Response: Success/.test(block)) resolve(block);
      else reject(new Error(`far end AMI ${action} failed: ${block}`));
    });
    s.once('error', (err) => (clearTimeout(timer), reject(err)));
  });
}

/**
 * The far end faxes `tif` (a path on the host, inside FAR_SPOOL.host) to Hotline's `number`,
 * calling from `caller`; `digits` are pressed `waitSeconds` after the answer (an IVR's fax option).
 * The result lands in the far end's AstDB farsend/<key>: "status,pages,rate,error".
 */
export async function farSendFax(o: { number: string; caller: string; tif: string; key: string; digits?: string; waitSeconds?: number }): Promise<void> {
  if (!o.tif.startsWith(FAR_SPOOL.host)) throw new Error(`the far end reads only its spool: ${o.tif}`);
  const vars: Array<[string, string]> = [
    ['Variable', `FAXFILE=${FAR_SPOOL.pbx}${o.tif.slice(FAR_SPOOL.host.length)}`],
    ['Variable', `FAXKEY=${o.key}`],
    ['Variable', `FAXDIGITS=${o.digits ?? ''}`],
    ['Variable', `FAXWAIT=${o.waitSeconds ?? 2}`],
  ];
  await farAmi('Originate', [['Channel', `PJSIP/${o.number}@hotline`], ['Context', 'far-send'], ['Exten', 's'], ['Priority', '1'], ['CallerID', `"Fax Far" <${o.caller}>`], ['Timeout', '30000'], ['Async', 'true'], ...vars]);
}

/** Whether the far end's fax call to Hotline was answered (it ran far-send). */
export function farSendAnswered(key: string): boolean {
  return farDb('farsend', key) !== null;
}

/** The far end's send result: { status, pages } once its call ended, else null. */
export function farSendResult(key: string): { status: string; pages: number; rate: number; error: string } | null {
  const v = farDb('farsend', key);
  if (!v || v === 'CALLING') return null;
  const [status = '', pages = '0', rate = '0', error = ''] = v.split(',');
  return { status, pages: Number(pages), rate: Number(rate), error };
}

/** What the far end received at `number`: calls made to it, the last result, successes. */
export function farReceived(number: string): { calls: number; ok: number; last: { status: string; pages: number; rate: number; error: string; file: string } | null } {
  const res = farDb('farres', number);
  const [status = '', pages = '0', rate = '0', error = '', file = ''] = res ? res.split(',') : [];
  return { calls: Number(farDb('farcalls', number) ?? 0), ok: Number(farDb('farok', number) ?? 0), last: res ? { status, pages: Number(pages), rate: Number(rate), error, file } : null };
}

export function farSpoolDir(): string {
  mkdirSync(FAR_SPOOL.host, { recursive: true });
  return FAR_SPOOL.host;
}
