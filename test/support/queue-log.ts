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
  /** answered, abandoned, overflowed, timeout, waiting */
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
  offered: number; answered: number; answeredInSl: number; abandoned: number; abandonedShort: number; overflowed: number; timeouts: number;
  serviceLevel: number | null; abandonRate: number | null; asaSeconds: number | null; talkSeconds: number; maxAnsweredWaitSeconds: number;
}

const r4 = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const r1 = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10) / 10 : null);

/**
 * Figures of a set of legs, short abandons excluded (the default treatment): SL = answered within
 * `sl` s ÷ (answered + long abandons + timeouts); abandon rate = long abandons ÷ (offered −
 * overflowed − short abandons). `center`: each call once (overflowed legs not offered).
 */
export function expectedFigures(legs: LogLeg[], sl: number, shortAbandon: number, center: boolean): Expected {
  const answered = legs.filter((l) => l.outcome === 'answered');
  const abandoned = legs.filter((l) => l.outcome === 'abandoned');
  const short = abandoned.filter((l) => l.wait < shortAbandon).length;
  const overflowed = legs.filter((l) => l.outcome === 'overflowed').length;
  const timeouts = legs.filter((l) => l.outcome === 'timeout').length;
  const offered = legs.length - (center ? overflowed : 0);
  const inSl = answered.filter((l) => l.wait <= sl).length;
  const longAbandons = abandoned.length - short;
  return {
    offered,
    answered: answered.length,
    answeredInSl: inSl,
    abandoned: abandoned.length,
    abandonedShort: short,
    overflowed: center ? 0 : overflowed,
    timeouts,
    serviceLevel: r4(inSl, answered.length + longAbandons + timeouts),
    abandonRate: r4(longAbandons, offered - (center ? 0 : overflowed) - short),
    asaSeconds: r1(answered.reduce((s, l) => s + l.wait, 0), answered.length),
    talkSeconds: answered.reduce((s, l) => s + l.talk, 0),
    maxAnsweredWaitSeconds: answered.reduce((m, l) => Math.max(m, l.wait), 0),
  };
}
