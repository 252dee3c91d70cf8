// Asterisk's own record of queue calls: the chroot's queue_log (app_queue writes one line per
// event: time|callid|queue|agent|event|data1|data2|...). The reports test computes every figure
// from it on its own — plain counting written here, not Hotline's definitions module — to
// compare with what Hotline's reports say.
import { readFileSync } from 'node:fs';
import { PBX_DIR } from './pbx.js';

export const QUEUE_LOG = `${PBX_DIR}/var/log/asterisk/queue_log`;

export interface QueueLogLine { time: number; callid: string; queue: string; agent: string; event: string; data: string[] }

/** The queue_log lines of `queues` at or after `sinceSec` (Unix seconds). */
export function readQueueLog(queues: string[], sinceSec: number, file = QUEUE_LOG): QueueLogLine[] {
  const set = new Set(queues);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => {
    const [time, callid, queue, agent, event, ...data] = l.split('|');
    return { time: Number(time), callid: callid!, queue: queue!, agent: agent!, event: event!, data };
  }).filter((l) => set.has(l.queue) && l.time >= sinceSec);
}

/** One caller's leg in one queue, from its queue_log lines. */
export interface LogLeg {
  callid: string;
  queue: string;
  caller: string;
  enteredAt: number;
  /** answered, abandoned, callback (left with the queue's exit key), overflowed, timeout, waiting */
  outcome: string;
  wait: number;
  talk: number;
  agent: string;
  /** An abandoned leg: ABANDON's position (the caller's place as they hung up) and origposition (their place when they joined). */
  abandonPosition?: number;
  joinPosition?: number;
}

export function legsOf(lines: QueueLogLine[]): LogLeg[] {
  const legs: LogLeg[] = [];
  const open = new Map<string, LogLeg>();
  for (const l of lines) {
    const key = `${l.callid}|${l.queue}`;
    if (l.event === 'ENTERQUEUE') {
      const leg = { callid: l.callid, queue: l.queue, caller: l.data[1] ?? '', enteredAt: l.time, outcome: 'waiting', wait: 0, talk: 0, agent: '' };
      legs.push(leg);
      open.set(key, leg);
      continue;
    }
    const leg = open.get(key);
    if (!leg) continue;
    if (l.event === 'CONNECT') Object.assign(leg, { outcome: 'answered', wait: Number(l.data[0]), agent: l.agent });
    else if (l.event === 'COMPLETECALLER' || l.event === 'COMPLETEAGENT') leg.talk = Number(l.data[1]);
    // BLINDTRANSFER|exten|context|holdtime|calltime|origpos; ATTENDEDTRANSFER|method|data|holdtime|calltime|origpos
    else if (l.event === 'BLINDTRANSFER' || l.event === 'ATTENDEDTRANSFER') leg.talk = Number(l.data[3]);
    // EXITWITHKEY|key|position|origpos|waittime: the caller pressed the queue's exit key (the callback key).
    else if (l.event === 'EXITWITHKEY') Object.assign(leg, { outcome: 'callback', wait: Number(l.data[3]) });
    // ABANDON|position|origposition|waittime
    else if (l.event === 'ABANDON') Object.assign(leg, { outcome: 'abandoned', abandonPosition: Number(l.data[0]), joinPosition: Number(l.data[1]), wait: Number(l.data[2]) });
    else if (l.event === 'EXITWITHTIMEOUT' || l.event === 'EXITEMPTY') Object.assign(leg, { outcome: 'timeout', wait: Number(l.data[2]) });
  }
  // A leg that timed out of one queue and went on in another overflowed.
  for (const leg of legs) {
    if (leg.outcome !== 'timeout') continue;
    if (legs.some((n) => n.callid === leg.callid && n.queue !== leg.queue && n.enteredAt >= leg.enteredAt)) leg.outcome = 'overflowed';
  }
  return legs;
}

export interface Expected {
  offered: number; answered: number; answeredInSl: number; abandoned: number; abandonedShort: number; callbacks: number; overflowed: number; timeouts: number;
  serviceLevel: number | null; abandonRate: number | null; asaSeconds: number | null; talkSeconds: number; maxAnsweredWaitSeconds: number;
}

const r4 = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const r1 = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10) / 10 : null);

/**
 * Figures of a set of legs, short abandons excluded (the default treatment): SL = answered within
 * `sl` s ÷ (answered + long abandons + timeouts); abandon rate = long abandons ÷ (offered −
 * overflowed − callbacks − short abandons); callbacks are in neither base. `center`: each call once (overflowed legs not offered).
 */
export function expectedFigures(legs: LogLeg[], sl: number, shortAbandon: number, center: boolean): Expected {
  const answered = legs.filter((l) => l.outcome === 'answered');
  const abandoned = legs.filter((l) => l.outcome === 'abandoned');
  const short = abandoned.filter((l) => l.wait < shortAbandon).length;
  const overflowed = legs.filter((l) => l.outcome === 'overflowed').length;
  const timeouts = legs.filter((l) => l.outcome === 'timeout').length;
  const callbacks = legs.filter((l) => l.outcome === 'callback').length;
  const offered = legs.length - (center ? overflowed : 0);
  const inSl = answered.filter((l) => l.wait <= sl).length;
  const longAbandons = abandoned.length - short;
  return {
    offered,
    answered: answered.length,
    answeredInSl: inSl,
    abandoned: abandoned.length,
    abandonedShort: short,
    callbacks,
    overflowed: center ? 0 : overflowed,
    timeouts,
    serviceLevel: r4(inSl, answered.length + longAbandons + timeouts),
    abandonRate: r4(longAbandons, offered - (center ? 0 : overflowed) - callbacks - short),
    asaSeconds: r1(answered.reduce((s, l) => s + l.wait, 0), answered.length),
    talkSeconds: answered.reduce((s, l) => s + l.talk, 0),
    maxAnsweredWaitSeconds: answered.reduce((m, l) => Math.max(m, l.wait), 0),
  };
}

/**
 * A member's breaks from the PAUSE / UNPAUSE lines of one queue (PAUSE's data is the reason):
 * seconds by reason and the number of breaks, a break still open counted up to `untilSec`.
 */
export function breaksOf(lines: QueueLogLine[], queue: string, member: string, untilSec: number): { seconds: number; byReason: Record<string, number>; count: number } {
  const byReason: Record<string, number> = {};
  let open: { at: number; reason: string } | undefined;
  let count = 0;
  const close = (at: number) => {
    if (!open) return;
    byReason[open.reason] = (byReason[open.reason] ?? 0) + (at - open.at);
    count++;
    open = undefined;
  };
  for (const l of lines) {
    if (l.queue !== queue || l.agent !== member) continue;
    if (l.event === 'PAUSE' && !open) open = { at: l.time, reason: l.data[0] || '-' };
    else if (l.event === 'UNPAUSE' || l.event === 'REMOVEMEMBER') close(l.time);
  }
  close(untilSec);
  return { seconds: Object.values(byReason).reduce((a, b) => a + b, 0), byReason, count };
}
