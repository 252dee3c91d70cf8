// Agent states, pure. Hotline keeps, per agent, the latest snapshot Asterisk gave of each of
// its queue memberships (from QueueStatus and from every Agent*/QueueMember* event, which all
// carry the member's fields), and derives the one state the console shows from them. Deriving
// from snapshots instead of stepping a machine on each event keeps the result right when
// Asterisk delivers events out of order; CallsTaken guards against a stale snapshot
// overwriting a newer one.
import type { QueueMemberSnapshot } from '../pbx/ports.js';

export const AGENT_STATES = ['logged_out', 'available', 'ringing', 'on_call', 'wrap_up', 'break'] as const;
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
  const talking = rows.find((r) => r.inCall || TALKING.has(r.status));
  if (talking) return { state: 'on_call', reason: talking.queue, wrapupUntil: null };
  const ringing = rows.find((r) => RINGING.has(r.status) || (r.ringing && r.ringing.until > nowMs));
  if (ringing) return { state: 'ringing', reason: ringing.queue, wrapupUntil: null };
  if (rows.every((r) => r.paused)) return { state: 'break', reason: rows.find((r) => r.pausedReason)?.pausedReason ?? '', wrapupUntil: null };
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

/** Whether `next` may replace `prev` for the same membership (CallsTaken never goes back). */
export function isNewer(prev: QueueMemberSnapshot | undefined, next: QueueMemberSnapshot): boolean {
  if (!prev) return true;
  if (next.callsTaken < prev.callsTaken) return false;
  if (next.callsTaken === prev.callsTaken && next.lastCall < prev.lastCall) return false;
  return true;
}
