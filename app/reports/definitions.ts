// The metric definitions of Hotline's reports and of the live wallboard: ONE place that says
// what "service level", "abandoned", "ASA", "AHT", "occupancy" and "first-call resolution"
// mean, so a figure never differs between the wallboard and a report. Pure: no database, no
// clock, no I/O. Every figure is computed in two steps:
//
//   1. classifyQueueCall(fact, defs) / addQueueCall(counters, fact, defs)
//      turn one caller's leg in one queue (a QueueCallFact) into additive counters;
//      counters of many calls (or of many 15-minute rollup buckets) are summed with
//      sumQueueCounters(). Counters are integers (seconds are Asterisk's whole seconds), so
//      summing buckets gives exactly the figures that counting the calls gives.
//   2. queueFigures(counters, defs) turns counters into the printed figures (rates, averages).
//
// Stable exported API (the wallboard and the reports both use it; change only by adding):
//   types   QueueDefinitions, ShortAbandonTreatment, QueueCallFact, QueueCallOutcome,
//           QueueCallClass, QueueCounters, QueueFigures, AgentCounters, AgentFigures,
//           RepeatCall, FcrResult, DefinitionStatement
//   values  DEFAULT_DEFINITIONS, SHORT_ABANDON_TREATMENTS, BUCKET_MINUTES
//   funcs   resolveDefinitions(partial) · classifyQueueCall(fact, defs) · emptyQueueCounters()
//           addQueueCall(counters, fact, defs) · sumQueueCounters(list) · centerCounters(perQueue)
//           queueFigures(counters, defs) · emptyAgentCounters() · sumAgentCounters(list)
//           agentFigures(counters) · firstCallResolution(calls, windowHours)
//           bucketStart(ms) · definitionStatements(defs, locale) (from definitions.text.ts)
//
// Definitions (also printed on every report by definitionStatements):
// - Offered (to a queue): every caller leg that entered the queue (callback placeholders are not callers).
// - Answered: an agent of the queue connected; wait = seconds from entering the queue to the answer.
// - Abandoned: the caller hung up while waiting. Short abandon: wait < shortAbandonSeconds.
//   Treatment of short abandons (per queue): 'counted' (as any abandon), 'excluded' (neither
//   offered nor abandoned in rates), 'sl2' (as in Asterisk's ServicelevelPerf2: an abandon within
//   the threshold counts as meeting the service level).
// - Callback: the caller left the queue asking to be called back: not an abandon, not in the
//   service-level base; the callback itself is reported apart.
// - Overflowed: the caller left queue A for queue B (overflow / no agents). Counted in A as
//   offered and overflowed (not answered, not abandoned, not in A's service-level base), and in B
//   as a normal call: the center counts the call once (centerCounters subtracts overflowed legs).
// - Timed out: the caller left the queue unanswered for any other reason (max wait, no agents,
//   nowhere to overflow to): in the service-level base, not answered within it.
// - Service level = answered within serviceLevelSeconds (wait <= threshold)
//                   ÷ (answered + abandoned + timed out), short abandons as the treatment says.
// - ASA = total wait of answered calls ÷ answered.  AHT = (talk + hold + wrap-up) ÷ answered.
//   Talk is Asterisk's talk time (answer to end) minus the time the agent held the caller;
//   wrap-up is the agent's wrap-up after the call.
// - Occupancy = (talk + hold + wrap-up) ÷ (logged in − break).
// - FCR (repeat-caller window): an answered call is resolved on first contact when the same
//   number does not call again (any queue) within windowHours after it.
// - FCR by tickets (fcr-tickets.ts): of the tickets opened from a call, the share resolved or
//   closed with no further call from the number before the first resolution and never reopened.
// - Outbound calls (rollup.ts OUTBOUND_DIMENSION): calls agents placed to outside numbers;
//   connected = DIALSTATUS ANSWER; outbound talk = ANSWEREDTIME. Statements in definitions.text.ts.

export const SHORT_ABANDON_TREATMENTS = ['counted', 'excluded', 'sl2'] as const;
export type ShortAbandonTreatment = (typeof SHORT_ABANDON_TREATMENTS)[number];

/** Rollup bucket size: 15 minutes (every real timezone offset is a multiple of 15 minutes). */
export const BUCKET_MINUTES = 15;
const BUCKET_MS = BUCKET_MINUTES * 60_000;

export interface QueueDefinitions {
  /** Answered with a wait of at most this many seconds counts toward the service level. */
  serviceLevelSeconds: number;
  /** An abandon with a wait under this many seconds is a short abandon. */
  shortAbandonSeconds: number;
  shortAbandonTreatment: ShortAbandonTreatment;
  /** First-call resolution: a call again from the same number within this many hours is a repeat. */
  repeatWindowHours: number;
}

export const DEFAULT_DEFINITIONS: Readonly<QueueDefinitions> = Object.freeze({
  serviceLevelSeconds: 20,
  shortAbandonSeconds: 5,
  shortAbandonTreatment: 'excluded',
  repeatWindowHours: 24,
});

/** The queue's definitions: its own values over the defaults. */
export function resolveDefinitions(partial: Partial<QueueDefinitions> | undefined): QueueDefinitions {
  const d = { ...DEFAULT_DEFINITIONS, ...Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)) } as QueueDefinitions;
  if (!(d.serviceLevelSeconds >= 0) || !(d.shortAbandonSeconds >= 0) || !(d.repeatWindowHours > 0)) throw new RangeError('report definitions: thresholds must be non-negative and the repeat window positive');
  if (!SHORT_ABANDON_TREATMENTS.includes(d.shortAbandonTreatment)) throw new RangeError(`report definitions: unknown short-abandon treatment ${String(d.shortAbandonTreatment)}`);
  return d;
}

/** How a caller's leg in a queue ended. */
export type QueueCallOutcome = 'answered' | 'abandoned' | 'callback' | 'overflowed' | 'timeout' | 'waiting';

/** One caller's leg in one queue, as the reports and the wallboard see it. */
export interface QueueCallFact {
  queue: string;
  outcome: QueueCallOutcome;
  /** Whole seconds waited in this queue (to the answer, the hangup or the exit). */
  waitSeconds: number;
  /** Whole seconds talking (answered calls). */
  talkSeconds?: number;
  /** Whole seconds the agent held the caller during the call (0 when the PBX reports none). */
  holdSeconds?: number;
  /** Whole seconds of the agent's wrap-up after the call. */
  wrapupSeconds?: number;
}

export type QueueCallClass =
  | 'answered_in_sl'
  | 'answered_late'
  | 'abandoned'
  | 'abandoned_short'
  | 'callback'
  | 'overflowed'
  | 'timeout'
  | 'waiting';

export function classifyQueueCall(f: QueueCallFact, d: QueueDefinitions): QueueCallClass {
  switch (f.outcome) {
    case 'answered':
      return f.waitSeconds <= d.serviceLevelSeconds ? 'answered_in_sl' : 'answered_late';
    case 'abandoned':
      return f.waitSeconds < d.shortAbandonSeconds ? 'abandoned_short' : 'abandoned';
    default:
      return f.outcome;
  }
}

/** Additive counters: a rollup bucket stores exactly these. Seconds are sums over the calls counted. */
export interface QueueCounters {
  offered: number;
  answered: number;
  answeredInSl: number;
  /** All abandons, short ones included. */
  abandoned: number;
  abandonedShort: number;
  callbacks: number;
  overflowed: number;
  timeouts: number;
  /** Still waiting (live figures only: a rollup is written when the call has left the queue). */
  waiting: number;
  /** Sum of the waits of answered calls. */
  answeredWaitSeconds: number;
  /** Sum of the waits of abandoned calls (all). */
  abandonedWaitSeconds: number;
  /** Longest wait of an answered call. */
  maxAnsweredWaitSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapupSeconds: number;
}

export const QUEUE_COUNTER_KEYS = [
  'offered', 'answered', 'answeredInSl', 'abandoned', 'abandonedShort', 'callbacks', 'overflowed', 'timeouts', 'waiting',
  'answeredWaitSeconds', 'abandonedWaitSeconds', 'maxAnsweredWaitSeconds', 'talkSeconds', 'holdSeconds', 'wrapupSeconds',
] as const satisfies ReadonlyArray<keyof QueueCounters>;

export function emptyQueueCounters(): QueueCounters {
  return Object.fromEntries(QUEUE_COUNTER_KEYS.map((k) => [k, 0])) as unknown as QueueCounters;
}

const whole = (n: number | undefined): number => (n && n > 0 ? Math.round(n) : 0);

/** Adds one call to `c` (mutates and returns it). A still-waiting call counts as offered only. */
export function addQueueCall(c: QueueCounters, f: QueueCallFact, d: QueueDefinitions): QueueCounters {
  const cls = classifyQueueCall(f, d);
  const wait = whole(f.waitSeconds);
  c.offered += 1;
  if (cls === 'answered_in_sl' || cls === 'answered_late') {
    c.answered += 1;
    if (cls === 'answered_in_sl') c.answeredInSl += 1;
    c.answeredWaitSeconds += wait;
    c.maxAnsweredWaitSeconds = Math.max(c.maxAnsweredWaitSeconds, wait);
    c.talkSeconds += whole(f.talkSeconds);
    c.holdSeconds += whole(f.holdSeconds);
    c.wrapupSeconds += whole(f.wrapupSeconds);
  } else if (cls === 'abandoned' || cls === 'abandoned_short') {
    c.abandoned += 1;
    if (cls === 'abandoned_short') c.abandonedShort += 1;
    c.abandonedWaitSeconds += wait;
  } else if (cls === 'callback') c.callbacks += 1;
  else if (cls === 'overflowed') c.overflowed += 1;
  else if (cls === 'timeout') c.timeouts += 1;
  else c.waiting += 1;
  return c;
}

export function sumQueueCounters(list: Iterable<QueueCounters>): QueueCounters {
  const out = emptyQueueCounters();
  for (const c of list) {
    for (const k of QUEUE_COUNTER_KEYS) {
      if (k === 'maxAnsweredWaitSeconds') out[k] = Math.max(out[k], c[k]);
      else out[k] += c[k];
    }
  }
  return out;
}

/**
 * The whole center: each call once. A call that overflowed from A to B is offered to A and to
 * B; the center counts it once, by the queue where it ended (the overflowed legs are removed).
 */
export function centerCounters(perQueue: Iterable<QueueCounters>): QueueCounters {
  const out = sumQueueCounters(perQueue);
  out.offered -= out.overflowed;
  out.overflowed = 0;
  return out;
}

/** The printed figures of a queue (or of the center). Rates are 0..1, null when the base is 0. */
export interface QueueFigures {
  offered: number;
  answered: number;
  answeredInSl: number;
  abandoned: number;
  abandonedShort: number;
  callbacks: number;
  overflowed: number;
  timeouts: number;
  waiting: number;
  /** The service-level base: answered + abandoned + timed out, short abandons as treated. */
  serviceLevelBase: number;
  serviceLevel: number | null;
  /** Abandons as treated ÷ (offered − overflowed − callbacks − waiting, short abandons out when excluded). */
  abandonRate: number | null;
  /** Abandons as the treatment counts them (all, or without the short ones when excluded). */
  abandonedCounted: number;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  averageTalkSeconds: number | null;
  averageAbandonWaitSeconds: number | null;
  maxAnsweredWaitSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapupSeconds: number;
}

const ratio = (num: number, den: number, digits = 4): number | null => (den > 0 ? round(num / den, digits) : null);
const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export function queueFigures(c: QueueCounters, d: QueueDefinitions): QueueFigures {
  const excluded = d.shortAbandonTreatment === 'excluded';
  const abandonedCounted = excluded ? c.abandoned - c.abandonedShort : c.abandoned;
  const slBase = c.answered + abandonedCounted + c.timeouts;
  const slGood = c.answeredInSl + (d.shortAbandonTreatment === 'sl2' ? c.abandonedShort : 0);
  const abandonBase = c.offered - c.overflowed - c.callbacks - c.waiting - (excluded ? c.abandonedShort : 0);
  return {
    offered: c.offered,
    answered: c.answered,
    answeredInSl: c.answeredInSl,
    abandoned: c.abandoned,
    abandonedShort: c.abandonedShort,
    callbacks: c.callbacks,
    overflowed: c.overflowed,
    timeouts: c.timeouts,
    waiting: c.waiting,
    serviceLevelBase: slBase,
    serviceLevel: ratio(slGood, slBase),
    abandonRate: ratio(abandonedCounted, abandonBase),
    abandonedCounted,
    asaSeconds: ratio(c.answeredWaitSeconds, c.answered, 1),
    ahtSeconds: ratio(c.talkSeconds + c.holdSeconds + c.wrapupSeconds, c.answered, 1),
    averageTalkSeconds: ratio(c.talkSeconds, c.answered, 1),
    averageAbandonWaitSeconds: ratio(c.abandonedWaitSeconds, c.abandoned, 1),
    maxAnsweredWaitSeconds: c.maxAnsweredWaitSeconds,
    talkSeconds: c.talkSeconds,
    holdSeconds: c.holdSeconds,
    wrapupSeconds: c.wrapupSeconds,
  };
}

// ---- agents ---------------------------------------------------------------------------

export interface AgentCounters {
  /** Calls the agent answered (queue calls). */
  handled: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapupSeconds: number;
  loggedInSeconds: number;
  /** Seconds on break (any reason), within logged in. */
  breakSeconds: number;
  /** Seconds ready (available, waiting for a call). */
  readySeconds: number;
}

export const AGENT_COUNTER_KEYS = ['handled', 'talkSeconds', 'holdSeconds', 'wrapupSeconds', 'loggedInSeconds', 'breakSeconds', 'readySeconds'] as const satisfies ReadonlyArray<keyof AgentCounters>;

export function emptyAgentCounters(): AgentCounters {
  return Object.fromEntries(AGENT_COUNTER_KEYS.map((k) => [k, 0])) as unknown as AgentCounters;
}

export function sumAgentCounters(list: Iterable<AgentCounters>): AgentCounters {
  const out = emptyAgentCounters();
  for (const c of list) for (const k of AGENT_COUNTER_KEYS) out[k] += c[k];
  return out;
}

export interface AgentFigures extends AgentCounters {
  ahtSeconds: number | null;
  /** (talk + hold + wrap-up) ÷ (logged in − break), capped at 1; null without staffed time. */
  occupancy: number | null;
}

export function agentFigures(c: AgentCounters): AgentFigures {
  const busy = c.talkSeconds + c.holdSeconds + c.wrapupSeconds;
  const staffed = c.loggedInSeconds - c.breakSeconds;
  const occ = ratio(busy, staffed);
  return { ...c, ahtSeconds: ratio(busy, c.handled, 1), occupancy: occ === null ? null : Math.min(1, occ) };
}

// ---- first-call resolution -------------------------------------------------------------

export interface RepeatCall {
  /** The caller's number, normalized (the same person calls from the same string). */
  callerNumber: string;
  /** Unix ms when the call entered the center. */
  at: number;
  answered: boolean;
}

export interface FcrResult {
  /** Answered calls judged (anonymous numbers are not judged). */
  answered: number;
  /** Answered calls not followed by a call from the same number within the window. */
  resolved: number;
  rate: number | null;
}

/**
 * First-call resolution by the repeat-caller window. `calls` must include the calls that came
 * after the period being reported, up to windowHours later, for the last calls to be judged.
 * `judgeUntil`: only answered calls before it are judged (the end of the reported period).
 */
export function firstCallResolution(calls: RepeatCall[], windowHours: number, judgeUntil = Number.POSITIVE_INFINITY): FcrResult {
  const windowMs = windowHours * 3_600_000;
  const byNumber = new Map<string, number[]>();
  for (const c of calls) {
    if (!c.callerNumber) continue;
    const list = byNumber.get(c.callerNumber) ?? [];
    list.push(c.at);
    byNumber.set(c.callerNumber, list);
  }
  for (const list of byNumber.values()) list.sort((a, b) => a - b);
  let answered = 0;
  let resolved = 0;
  for (const c of calls) {
    if (!c.answered || !c.callerNumber || c.at >= judgeUntil) continue;
    answered += 1;
    const times = byNumber.get(c.callerNumber)!;
    const again = times.some((t) => t > c.at && t - c.at <= windowMs);
    if (!again) resolved += 1;
  }
  return { answered, resolved, rate: ratio(resolved, answered) };
}

/** The start (Unix ms) of the 15-minute bucket holding `ms`. */
export function bucketStart(ms: number): number {
  return Math.floor(ms / BUCKET_MS) * BUCKET_MS;
}

export { definitionStatements, type DefinitionStatement } from './definitions.text.js';
