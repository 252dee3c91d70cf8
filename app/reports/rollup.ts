// From the ACD's queue calls to report facts and 15-minute rollup rows. Pure: the service
// reads and writes, this decides. A caller's legs are classified together (a leg that left
// queue A and was followed by a leg of the same channel in queue B overflowed), so the rows
// of a bucket are always a function of the facts in it: writing them again is idempotent.
import { addQueueCall, bucketStart, emptyQueueCounters, QUEUE_COUNTER_KEYS, type QueueCallOutcome, type QueueCounters, type QueueDefinitions } from './definitions.js';
import type { CallerRegion } from './region.js';
import { cityKey, regionKey } from './region.js';

/** One caller's leg in one queue, as the ACD records it (acd_queue_calls). */
export interface QueueLeg {
  id: string;
  source: string;
  queue: string;
  uniqueid: string;
  callerNumber: string;
  joinedAt: Date;
  answeredAt: Date | null;
  leftAt: Date | null;
  endedAt: Date | null;
  /** waiting, answered, abandoned, left, timeout, callback. */
  outcome: string;
  agentId: string | null;
  /** Asterisk's HoldTime: seconds waited in the queue. */
  holdSeconds: number | null;
  talkSeconds: number | null;
  /** Seconds the agent held the caller after the answer (music on hold). */
  onHoldSeconds?: number;
  /** Seconds of the agent's wrap-up after the call (null until it ended). */
  wrapupSeconds?: number | null;
  disposition: string;
  /** The caller's place in the queue when they joined, and when they hung up waiting (null: not known). */
  joinPosition?: number | null;
  abandonPosition?: number | null;
}

export interface FactRow {
  id: string;
  source: string;
  queue: string;
  uniqueid: string;
  callerNumber: string;
  region: string;
  city: string;
  joinedAt: Date;
  bucketAt: Date;
  outcome: QueueCallOutcome;
  waitSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapupSeconds: number;
  agentId: string | null;
  disposition: string;
  answeredAt: Date | null;
  endedAt: Date | null;
  joinPosition: number | null;
  abandonPosition: number | null;
  overflowTo: string;
}

/** Callback placeholders wait in queues as callers; they are not callers. */
export const isPlaceholder = (uniqueid: string): boolean => uniqueid.startsWith('hotline-cb-');

const secondsBetween = (a: Date, b: Date | null): number => (b ? Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000)) : 0);

/** Whether the leg is over (a leg still waiting or still talking is not yet a fact). */
export function legSettled(l: QueueLeg): boolean {
  if (l.outcome === 'waiting') return false;
  if (l.outcome === 'answered') return l.endedAt !== null;
  return true;
}

/** The facts of one caller's legs (all queues of one channel). Unsettled legs and placeholders give none. */
export function factsFromLegs(legs: QueueLeg[], regionOf: (number: string) => CallerRegion): FactRow[] {
  const sorted = [...legs].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  const out: FactRow[] = [];
  sorted.forEach((l, i) => {
    if (isPlaceholder(l.uniqueid) || !legSettled(l)) return;
    let outcome: QueueCallOutcome;
    let wait: number;
    let overflowTo = '';
    if (l.outcome === 'answered') {
      outcome = 'answered';
      wait = l.holdSeconds ?? secondsBetween(l.joinedAt, l.answeredAt);
    } else if (l.outcome === 'abandoned') {
      outcome = 'abandoned';
      wait = l.holdSeconds ?? secondsBetween(l.joinedAt, l.leftAt ?? l.endedAt);
    } else if (l.outcome === 'callback') {
      outcome = 'callback';
      wait = secondsBetween(l.joinedAt, l.leftAt ?? l.endedAt);
    } else {
      const next = sorted.slice(i + 1).find((n) => n.queue !== l.queue && n.source === l.source);
      outcome = next ? 'overflowed' : 'timeout';
      overflowTo = next?.queue ?? '';
      wait = secondsBetween(l.joinedAt, l.leftAt ?? l.endedAt);
    }
    const r = regionOf(l.callerNumber);
    const held = outcome === 'answered' ? Math.max(0, l.onHoldSeconds ?? 0) : 0;
    out.push({
      id: l.id,
      source: l.source,
      queue: l.queue,
      uniqueid: l.uniqueid,
      callerNumber: l.callerNumber,
      region: regionKey(r),
      city: cityKey(r),
      joinedAt: l.joinedAt,
      bucketAt: new Date(bucketStart(l.joinedAt.getTime())),
      outcome,
      waitSeconds: wait,
      // Asterisk's talk time runs from the answer to the end, holds included: talk is the rest.
      talkSeconds: outcome === 'answered' ? Math.max(0, (l.talkSeconds ?? secondsBetween(l.answeredAt ?? l.joinedAt, l.endedAt)) - held) : 0,
      holdSeconds: held,
      wrapupSeconds: outcome === 'answered' ? Math.max(0, l.wrapupSeconds ?? 0) : 0,
      agentId: outcome === 'answered' ? l.agentId : null,
      disposition: outcome === 'answered' ? l.disposition : '',
      answeredAt: l.answeredAt,
      endedAt: l.endedAt,
      joinPosition: l.joinPosition ?? null,
      abandonPosition: outcome === 'abandoned' ? (l.abandonPosition ?? null) : null,
      overflowTo,
    });
  });
  return out;
}

/** `overflow`: overflowed legs by the queue they moved to (dim_key), so a report over a set of queues counts a call that moved inside the set once. */
export const DIMENSIONS = ['queue', 'agent', 'region', 'city', 'disposition', 'overflow'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface RollupRow extends QueueCounters {
  dimension: Dimension | DayDimension | typeof OUTBOUND_DIMENSION;
  bucketAt: Date;
  dimKey: string;
  queue: string;
}

/**
 * Dimensions that also get one row per UTC day (dimension 'agent_day', bucket_at the day's UTC
 * midnight), the sum of the day's 15-minute rows: a month's agent statistics read 30 rows per
 * agent and queue instead of 2,880. Day rows are kept in UTC, whatever the reader's timezone:
 * a report takes the whole UTC days inside its range from them and the rest (at most a day
 * at each end) from the 15-minute rows, so every range and timezone gets the same figures.
 */
export const DAY_DIMENSIONS = { agent: 'agent_day' } as const satisfies Partial<Record<Dimension, string>>;
export type DayDimension = (typeof DAY_DIMENSIONS)[keyof typeof DAY_DIMENSIONS];
export const DAY_MS = 86_400_000;
/** The UTC midnight starting the day of an instant. */
export const utcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** Adds the counters of `b` to `a` (longest wait: the larger). */
function addCounters(a: QueueCounters, b: QueueCounters): void {
  for (const k of QUEUE_COUNTER_KEYS) a[k] = k === 'maxAnsweredWaitSeconds' ? Math.max(a[k], b[k]) : a[k] + b[k];
}

/** The day rows of a set of 15-minute rows (the rows of the DAY_DIMENSIONS summed by UTC day). */
export function dayRows(rows: RollupRow[]): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const r of rows) {
    const dimension = (DAY_DIMENSIONS as Partial<Record<string, DayDimension>>)[r.dimension];
    if (!dimension) continue;
    const bucketAt = new Date(utcDay(r.bucketAt.getTime()));
    const k = `${dimension}\u0000${bucketAt.getTime()}\u0000${r.dimKey}\u0000${r.queue}`;
    let d = out.get(k);
    if (!d) {
      d = { dimension, bucketAt, dimKey: r.dimKey, queue: r.queue, ...emptyQueueCounters() };
      out.set(k, d);
    }
    addCounters(d, r);
  }
  return [...out.values()];
}

/** Every stored row of a set of facts: the 15-minute rows and the day rows. */
export function storedRows(facts: FactRow[], defsOf: (queue: string) => QueueDefinitions): RollupRow[] {
  const rows = rollupRows(facts, defsOf);
  return [...rows, ...dayRows(rows)];
}

/** The 15-minute rollup rows of a set of facts (normally: all facts of one bucket). */
export function rollupRows(facts: FactRow[], defsOf: (queue: string) => QueueDefinitions): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  const add = (f: FactRow, dimension: Dimension, dimKey: string) => {
    const k = `${dimension}\u0000${f.bucketAt.getTime()}\u0000${dimKey}\u0000${f.queue}`;
    let row = rows.get(k);
    if (!row) {
      row = { dimension, bucketAt: f.bucketAt, dimKey, queue: f.queue, ...emptyQueueCounters() };
      rows.set(k, row);
    }
    addQueueCall(row, { queue: f.queue, outcome: f.outcome, waitSeconds: f.waitSeconds, talkSeconds: f.talkSeconds, holdSeconds: f.holdSeconds, wrapupSeconds: f.wrapupSeconds }, defsOf(f.queue));
  };
  for (const f of facts) {
    add(f, 'queue', '');
    add(f, 'region', f.region);
    add(f, 'city', f.city);
    if (f.agentId) add(f, 'agent', f.agentId);
    if (f.outcome === 'answered') add(f, 'disposition', f.disposition);
    if (f.outcome === 'overflowed') add(f, 'overflow', f.overflowTo);
  }
  return [...rows.values()];
}

const rowKey = (r: RollupRow) => `${r.dimension}\u0000${r.bucketAt.getTime()}\u0000${r.dimKey}\u0000${r.queue}`;

/**
 * What replacing a caller's facts `before` by `after` adds to the stored rollup rows (15-minute
 * and day rows: storedRows): per row,
 * the counters of `after` minus those of `before` (rows whose change is nil are left out).
 * Counters add up, so applying the delta to the stored rows equals recomputing the bucket —
 * except the longest wait, which cannot be taken back: `shrink` lists the rows that lose
 * answered calls, with the longest wait among them. The writer keeps the stored maximum when it
 * is above that (another call holds it) and recomputes the bucket otherwise.
 */
export function rollupDelta(before: FactRow[], after: FactRow[], defsOf: (queue: string) => QueueDefinitions): { rows: RollupRow[]; shrink: Array<RollupRow & { removedMaxWait: number }> } {
  const out = new Map<string, RollupRow>();
  for (const r of storedRows(after, defsOf)) out.set(rowKey(r), r);
  const shrink: Array<RollupRow & { removedMaxWait: number }> = [];
  for (const r of storedRows(before, defsOf)) {
    const k = rowKey(r);
    const d = out.get(k) ?? { ...r, ...emptyQueueCounters() };
    for (const c of QUEUE_COUNTER_KEYS) if (c !== 'maxAnsweredWaitSeconds') d[c] -= r[c];
    if (d.answered < 0) shrink.push({ ...d, removedMaxWait: r.maxAnsweredWaitSeconds });
    out.set(k, d);
  }
  const rows = [...out.values()].filter((r) => QUEUE_COUNTER_KEYS.some((c) => c !== 'maxAnsweredWaitSeconds' && r[c] !== 0));
  return { rows, shrink };
}

/** The counters of a stored rollup row (or any object with the counter fields). */
export function countersOf(row: QueueCounters): QueueCounters {
  const c = emptyQueueCounters();
  for (const k of QUEUE_COUNTER_KEYS) c[k] = Number(row[k]);
  return c;
}

// ---- outbound calls ----------------------------------------------------------------------

/**
 * The agents' outbound calls have their own rollup rows: dimension 'outbound', the 15-minute
 * bucket of the dial, dim_key the agent ('' not known), queue '' (an outbound call is no queue's).
 * The counters are read as: offered = outbound calls placed, answered = connected (DIALSTATUS
 * ANSWER), talk_seconds = talk after the answer (ANSWEREDTIME); the others stay 0. A call still
 * under way is not counted. The rows of a bucket are a function of the calls dialled in it, so
 * the live write (the bucket recomputed) and a rebuild write the same rows.
 */
export const OUTBOUND_DIMENSION = 'outbound';

/** An outbound call as the rollups need it (app/acd/outbound-calls.ts). */
export interface OutboundFact {
  agentId: string | null;
  placedAt: Date;
  endedAt: Date | null;
  dialStatus: string;
  talkSeconds: number | null;
}

/** Adds one ended outbound call to the rows (keyed by dimension, bucket, agent, queue). */
export function addOutboundCall(rows: Map<string, RollupRow>, c: OutboundFact): void {
  if (!c.endedAt) return;
  const bucketAt = new Date(bucketStart(c.placedAt.getTime()));
  const dimKey = c.agentId ?? '';
  const k = `${OUTBOUND_DIMENSION}\u0000${bucketAt.getTime()}\u0000${dimKey}\u0000`;
  let row = rows.get(k);
  if (!row) {
    row = { dimension: OUTBOUND_DIMENSION, bucketAt, dimKey, queue: '', ...emptyQueueCounters() };
    rows.set(k, row);
  }
  const connected = c.dialStatus === 'ANSWER';
  row.offered += 1;
  if (connected) row.answered += 1;
  row.talkSeconds += connected ? Math.max(0, c.talkSeconds ?? 0) : 0;
}

/** The outbound rollup rows of a set of outbound calls (normally: all calls dialled in one bucket). */
export function outboundRows(calls: OutboundFact[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const c of calls) addOutboundCall(rows, c);
  return [...rows.values()];
}
