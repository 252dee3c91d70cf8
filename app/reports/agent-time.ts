// Agent time from the state timeline: logged in, ready, on break (by reason), ringing, on call
// and in wrap-up, clipped to a range (and, with a weekday or time-of-day filter, to its windows).
// Pure. A state lasts until the agent's next change, the end of the range, or now, whichever
// comes first.
import { overlapMs, type Window } from './report-windows.js';

export interface StateChange {
  agentId: string;
  state: string;
  reason: string;
  at: Date;
}

export interface AgentTime {
  loggedInSeconds: number;
  readySeconds: number;
  breakSeconds: number;
  breakByReason: Record<string, number>;
  ringingSeconds: number;
  onCallSeconds: number;
  wrapupSeconds: number;
}

const empty = (): AgentTime => ({ loggedInSeconds: 0, readySeconds: 0, breakSeconds: 0, breakByReason: {}, ringingSeconds: 0, onCallSeconds: 0, wrapupSeconds: 0 });

/** `windows`: only time inside them counts (default: the whole range). */
export function agentTimes(changes: StateChange[], fromMs: number, toMs: number, nowMs: number, windows: Window[] = [[fromMs, toMs]]): Map<string, AgentTime> {
  const end = Math.min(toMs, nowMs);
  const byAgent = new Map<string, StateChange[]>();
  for (const c of changes) {
    const list = byAgent.get(c.agentId);
    if (list) list.push(c);
    else byAgent.set(c.agentId, [c]);
  }
  const out = new Map<string, AgentTime>();
  for (const [agentId, list] of byAgent) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    const t = empty();
    list.forEach((c, i) => {
      const start = Math.max(fromMs, c.at.getTime());
      const stop = Math.min(end, i + 1 < list.length ? list[i + 1]!.at.getTime() : end);
      const s = stop > start ? overlapMs(start, stop, windows) / 1000 : 0;
      if (!s || c.state === 'logged_out') return;
      t.loggedInSeconds += s;
      if (c.state === 'available') t.readySeconds += s;
      else if (c.state === 'break') {
        t.breakSeconds += s;
        const r = c.reason || '-';
        t.breakByReason[r] = (t.breakByReason[r] ?? 0) + s;
      } else if (c.state === 'ringing') t.ringingSeconds += s;
      else if (c.state === 'on_call') t.onCallSeconds += s;
      else if (c.state === 'wrap_up') t.wrapupSeconds += s;
    });
    const round = (n: number) => Math.round(n);
    out.set(agentId, {
      loggedInSeconds: round(t.loggedInSeconds), readySeconds: round(t.readySeconds), breakSeconds: round(t.breakSeconds),
      breakByReason: Object.fromEntries(Object.entries(t.breakByReason).map(([k, v]) => [k, round(v)])),
      ringingSeconds: round(t.ringingSeconds), onCallSeconds: round(t.onCallSeconds), wrapupSeconds: round(t.wrapupSeconds),
    });
  }
  return out;
}
