// The soak's own Asterisk (bench/soak-env.ts says where) and what the bench learns from it:
// a chroot copied from the shared one on first use, started and stopped with scripts/pbx-*.sh,
// and an AMI watch that keeps, per caller channel, when it entered the queue, rang an agent,
// was connected, abandoned and hung up — Asterisk's own account, to judge Hotline's records by.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AmiClient, fieldOf, type AmiMessage } from '../app/pbx/ami/index.js';
import { SOAK_PBX } from './soak-env.js';
import { prepareChroot as prepareOwnChroot } from './own-pbx.js';
import { cli, ensurePbx, pbxDown } from '../test/support/pbx.js';

const log = (s: string): void => { process.stdout.write(`${s}\n`); };

/** A fresh chroot for the soak's Asterisk (bench/own-pbx.ts). */
export function prepareChroot(): void {
  prepareOwnChroot(SOAK_PBX.dir, (s) => log(`soak: ${s}`));
}

export function pbxUp(): void {
  ensurePbx();
}
export function pbxStop(): void {
  pbxDown();
}

/** Channels Asterisk has up, and channels still inside the Stasis app (ARI). */
export async function channelsLeft(): Promise<{ asterisk: number; stasis: number; names: string[] }> {
  const names = cli('core show channels concise').split('\n').map((l) => l.split('!')[0]!).filter(Boolean);
  const res = await fetch(`http://127.0.0.1:${SOAK_PBX.ariPort}/ari/applications/${SOAK_PBX.app}`, {
    headers: { authorization: `Basic ${Buffer.from(`${process.env.HOTLINE_ARI_USER ?? 'hotline'}:${process.env.HOTLINE_ARI_PASSWORD ?? 'hotline-dev-ari'}`).toString('base64')}` },
  });
  const app = (await res.json()) as { channel_ids?: string[] };
  return { asterisk: names.length, stasis: app.channel_ids?.length ?? -1, names: names.slice(0, 20) };
}

const PBX_LOG = join(SOAK_PBX.dir, 'var/log/asterisk/messages');
export const asteriskLogSize = (): number => (existsSync(PBX_LOG) ? statSync(PBX_LOG).size : 0);

/** Lines of Asterisk's log at WARNING or ERROR written after byte `from`, counted by message (numbers and names cut). */
export function asteriskWarnings(from: number): Record<string, number> {
  if (!existsSync(PBX_LOG)) return {};
  const out: Record<string, number> = {};
  const text = readFileSync(PBX_LOG).subarray(from).toString('utf8').split('\n').filter((l) => /(WARNING|ERROR)\[/.test(l)).join('\n');
  for (const line of text.split('\n').filter(Boolean)) {
    const m = /\] (WARNING|ERROR)\[\d+\](?:\[[^\]]*\])? (\S+): (.*)$/.exec(line);
    const key = m ? `${m[1]} ${m[2]}: ${m[3]!.replace(/'[^']*'|"[^"]*"|[\w.-]*\d[\w.-]*/g, '#')}` : line.slice(0, 120);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Asterisk's story of one caller channel (times: Date.now() when the bench got the event). */
export interface CallerTrack {
  uniqueid: string;
  caller: string;
  createdAt: number;
  joinedAt?: number;
  calledAt?: number;
  connectedAt?: number;
  abandonedAt?: number;
  completedAt?: number;
  hungupAt?: number;
  cause?: string;
  agent?: string;
  /** The queue events of this caller in the order AMI delivered them (for a wrong outcome's report). */
  order: string[];
}

export class SoakWatch {
  /** By caller number (one number per call). */
  readonly byCaller = new Map<string, CallerTrack>();
  private readonly byUid = new Map<string, CallerTrack>();
  /** Every channel Asterisk created and has not hung up yet (agents' legs too). */
  readonly alive = new Set<string>();
  private readonly client = new AmiClient({
    host: '127.0.0.1', port: Number(SOAK_PBX.amiPort),
    username: process.env.HOTLINE_AMI_USER ?? 'hotline', secret: process.env.HOTLINE_AMI_PASSWORD ?? 'hotline-dev-ami',
    events: 'call,agent',
  });

  async start(): Promise<void> {
    this.client.on('event', (e) => this.onEvent(e as unknown as AmiMessage));
    this.client.start();
    await this.client.waitForConnected(15_000);
  }

  stop(): Promise<void> {
    return this.client.stop();
  }

  private onEvent(e: AmiMessage): void {
    const ev = fieldOf(e, 'Event');
    const uid = fieldOf(e, 'Uniqueid') ?? '';
    const now = Date.now();
    if (ev === 'Newchannel') {
      this.alive.add(uid);
      const chan = fieldOf(e, 'Channel') ?? '';
      if (!chan.startsWith('PJSIP/callers-')) return;
      const t: CallerTrack = { uniqueid: uid, caller: fieldOf(e, 'CallerIDNum') ?? '', createdAt: now, order: [] };
      this.byUid.set(uid, t);
      this.byCaller.set(t.caller, t);
      return;
    }
    if (ev === 'Hangup') {
      this.alive.delete(uid);
      const t = this.byUid.get(uid);
      if (t) {
        t.hungupAt = now;
        t.cause = fieldOf(e, 'Cause-txt') ?? fieldOf(e, 'Cause') ?? '';
      }
      return;
    }
    const t = this.byUid.get(uid);
    if (!t) return;
    if (/^(Queue|Agent)/.test(ev ?? '')) t.order.push(`${ev}@${now - t.createdAt}`);
    if (ev === 'QueueCallerJoin') t.joinedAt ??= now;
    else if (ev === 'AgentCalled') t.calledAt ??= now;
    else if (ev === 'AgentConnect') {
      t.connectedAt ??= now;
      t.agent = fieldOf(e, 'Interface') ?? fieldOf(e, 'MemberName') ?? '';
    } else if (ev === 'QueueCallerAbandon') t.abandonedAt ??= now;
    else if (ev === 'AgentComplete') t.completedAt ??= now;
  }
}

/** Where a caller was at `at`: in the menu (not yet in the queue), queued, ringing an agent, talking. */
export function phaseAt(t: CallerTrack, at: number): 'menu' | 'queued' | 'ringing' | 'talking' {
  if (t.connectedAt !== undefined && t.connectedAt <= at) return 'talking';
  if (t.calledAt !== undefined && t.calledAt <= at) return 'ringing';
  if (t.joinedAt !== undefined && t.joinedAt <= at) return 'queued';
  return 'menu';
}
