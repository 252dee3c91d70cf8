// Agent states, pure. Hotline keeps, per agent, the latest snapshot Asterisk gave of each of
// its queue memberships (from QueueStatus and from every Agent*/QueueMember* event, which all
// carry the member's fields), and derives the one state the console shows from them. Deriving
// from snapshots instead of stepping a machine on each event keeps the result right when
// Asterisk delivers events out of order; CallsTaken guards against a stale snapshot
// overwriting a newer one.
import type { QueueMemberSnapshot } from '../pbx/ports.js';

export const AGENT_STATES = ['logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'break'] as const;

/**
 * The pause reason Hotline sets when a call of a queue that requires a disposition ends: the
 * agent is in wrap-up (no countdown) until the disposition is given.
 */
export const DISPOSITION_PAUSE = 'hotline-disposition';
export type AgentState = (typeof AGENT_STATES)[number];

/** Device states (app_queue Status) that mean the agent is talking. */
const TALKING = new Set([2, 3, 7, 8]);
const RINGING = new Set([6]);

export interface MemberRow extends QueueMemberSnapshot {
  /** AgentCalled seen and not yet answered/abandoned: the phone rings even if the device state lags. */
  ringing?: { callerUniqueid: string; until: number };
}

export interface Derived {
  state: AgentState;
  /** Break reason, or the queue of the call. */
  reason: string;
  /** Unix ms when wrap-up ends. */
  wrapupUntil: number | null;
}

/**
 * The agent's state from its membership rows. `wrapupSeconds(queue)` is the queue's wrap-up;
 * Asterisk measures it from the member's LastCall (shared across queues).
 */
export function deriveAgentState(rows: MemberRow[], wrapupSeconds: (queue: string) => number, nowMs: number): Derived {
  if (rows.length === 0) return { state: 'logged_out', reason: '', wrapupUntil: null };
  // A queue's call (InCall / AgentConnect) names its queue; the device busy with no queue call
  // (a direct call to the member's phone) is on a call for no queue.
  const queueCall = rows.find((r) => r.inCall);
  if (queueCall) return { state: 'on_call', reason: queueCall.queue, wrapupUntil: null };
  if (rows.some((r) => TALKING.has(r.status))) return { state: 'on_call', reason: '', wrapupUntil: null };
  const ringing = rows.find((r) => RINGING.has(r.status) || (r.ringing && r.ringing.until > nowMs));
  if (ringing) return { state: 'ringing', reason: ringing.queue, wrapupUntil: null };
  if (rows.every((r) => r.paused)) {
    const reason = rows.find((r) => r.pausedReason)?.pausedReason ?? '';
    if (reason === DISPOSITION_PAUSE) return { state: 'wrap_up', reason: [...rows].sort((a, b) => b.lastCall - a.lastCall)[0]!.queue, wrapupUntil: null };
    return { state: 'break', reason, wrapupUntil: null };
  }
  let until = 0;
  let queue = '';
  for (const r of rows) {
    if (r.lastCall <= 0) continue;
    const end = (r.lastCall + wrapupSeconds(r.queue)) * 1000;
    if (end > until) {
      until = end;
      queue = r.queue;
    }
  }
  if (until > nowMs) return { state: 'wrap_up', reason: queue, wrapupUntil: until };
  return { state: 'available', reason: '', wrapupUntil: null };
}

/** No membership paused, ringing or on a call: the agent would be offered the next caller. */
export function takesCalls(rows: QueueMemberSnapshot[]): boolean {
  return rows.length > 0 && rows.every((r) => !r.paused && !r.inCall && !TALKING.has(r.status) && !RINGING.has(r.status));
}

/** Whether `next` may replace `prev` for the same membership (CallsTaken never goes back). */
export function isNewer(prev: QueueMemberSnapshot | undefined, next: QueueMemberSnapshot): boolean {
  if (!prev) return true;
  if (next.callsTaken < prev.callsTaken) return false;
  if (next.callsTaken === prev.callsTaken && next.lastCall < prev.lastCall) return false;
  return true;
}
