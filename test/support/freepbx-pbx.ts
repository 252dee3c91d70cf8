// "The FreePBX-style PBX" for test/integration/attach-freepbx.test.ts: a second Asterisk in the
// chroot that holds Hotline's (as test/support/existing-pbx.ts runs the attach tests' one), with
// its own config (test/fixtures/freepbx-pbx -> /etc/asterisk-freepbx) and its own
// run/log/spool/lib/cache directories. AMI 127.0.0.1:5042 (a read-only account for Hotline),
// SIP udp 127.0.0.1:5082, no HTTP/ARI. Extensions 101-103 are sipp UAS on 5181-5183. Started
// fresh and stopped by its own control socket (`-C /etc/asterisk-freepbx/asterisk.conf`).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './pbx.js';
import { SidePbx } from './side-pbx.js';

const pbx = new SidePbx({ name: 'freepbx', label: 'the FreePBX-style PBX', fixtures: join(ROOT, 'test/fixtures/freepbx-pbx'), amiPort: 5042 });
export const FREEPBX_LOG_DIR = pbx.logDir;

export const FREEPBX = {
  amiPort: 5042,
  sipTarget: '127.0.0.1:5082',
  user: 'hotline-ro',
  secret: 'freepbx-ro-secret',
  sales: 'q-sales',
  support: 'q-support',
  /** 300: q-sales (ringall, Queue() timeout 8 s) then q-support; 301: q-support; 101-103: an extension directly. */
  salesNumber: '300',
  supportNumber: '301',
  salesTimeoutSeconds: 8,
  /** 302: q-sales with a 4 s timeout, then a message, then the PBX hangs up. */
  shortSalesNumber: '302',
  agents: [
    { interface: 'Local/101@from-queue/n', device: 'PJSIP/101', name: 'Alice', ext: '101', sipPort: 5181 },
    { interface: 'Local/102@from-queue/n', device: 'PJSIP/102', name: 'Bob', ext: '102', sipPort: 5182 },
    { interface: 'Local/103@from-queue/n', device: 'PJSIP/103', name: 'Carol', ext: '103', sipPort: 5183 },
  ],
} as const;

/** A CLI command on the FreePBX-style PBX (never on the main instance). */
export function freepbxCli(command: string): string {
  return pbx.cli(command);
}

/** Starts the FreePBX-style PBX afresh and waits for its AMI and SIP transport. */
export async function startFreepbx(): Promise<void> {
  await pbx.start({
    readyWhat: 'its SIP transport and queue',
    ready: () => /transport-udp/.test(freepbxCli('pjsip show transports')) && freepbxCli(`queue show ${FREEPBX.support}`).includes('Carol'),
    freshLogs: ['queue_log'],
    // cdr_custom writes into a directory it does not create; a fresh CDR file per run.
    clean: () => {
      rmSync(FREEPBX_CDR, { force: true });
      mkdirSync(join(FREEPBX_LOG_DIR, 'cdr-custom'), { recursive: true });
    },
  });
}

/** Stops the FreePBX-style PBX (if running). */
export function stopFreepbx(): Promise<void> {
  return pbx.stop();
}

/** This PBX's queue_log (read with test/support/queue-log.ts's readQueueLog). */
export const FREEPBX_QUEUE_LOG = `${FREEPBX_LOG_DIR}/queue_log`;


/** This PBX's CDR (cdr_custom, test/fixtures/freepbx-pbx/cdr_custom.conf): a file Hotline never reads. */
export const FREEPBX_CDR = `${FREEPBX_LOG_DIR}/cdr-custom/Master.csv`;
