// "The existing PBX" for the attach tests: a second Asterisk in the chroot that holds
// Hotline's (same binary, scripts/pbx-up.sh must have created the chroot), with its own config
// (test/fixtures/existing-pbx -> /etc/asterisk-existing) and its own run/log/spool/lib/cache
// directories. AMI 127.0.0.1:5039 (a read-only account for Hotline), SIP udp 127.0.0.1:5070,
// no HTTP/ARI. Its agents' phones are sipp UAS on 5171-5172. It is started fresh (stopped
// first if a previous run left it up) and stopped by its own control socket, never the main
// instance's: every CLI command here goes through `-C /etc/asterisk-existing/asterisk.conf`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './pbx.js';
import { SidePbx } from './side-pbx.js';

const pbx = new SidePbx({ name: 'existing', label: 'the existing PBX', fixtures: join(ROOT, 'test/fixtures/existing-pbx'), amiPort: 5039 });
export const EXISTING_LOG_DIR = pbx.logDir;

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
  return pbx.cli(command);
}

/** Starts the existing PBX afresh and waits for its AMI and SIP transport. */
export async function startExistingPbx(): Promise<void> {
  await pbx.start({
    readyWhat: 'its SIP transport and queue',
    ready: () => /transport-udp/.test(existingCli('pjsip show transports')) && existingCli(`queue show ${EXISTING.queue}`).includes('Alice'),
    freshLogs: ['queue_log'],
  });
}

/** Stops the existing PBX (if running). */
export function stopExistingPbx(): Promise<void> {
  return pbx.stop();
}

/** The queue_log lines of a queue: { callid, agent, event, data[] }. */
export function queueLog(queue: string): Array<{ time: number; callid: string; agent: string; event: string; data: string[] }> {
  const file = `${EXISTING_LOG_DIR}/queue_log`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('|')).filter((p) => p[2] === queue)
    .map(([time, callid, , agent, event, ...data]) => ({ time: Number(time), callid: callid!, agent: agent!, event: event!, data }));
}

