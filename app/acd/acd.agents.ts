// Agent states, kept true: every Agent*/QueueMember* event updates the agent's membership
// snapshots and its state is derived from them (agent-state.ts); QueueStatus replaces the
// snapshots on every AMI (re)connect, on takeover and on a schedule, so drift between the
// console and Asterisk does not survive. Each change is stored (agent row + timeline) and
// published. Only the node that acts on Asterisk tracks; a standby rebuilds from QueueStatus.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { QueueEvent, QueueMemberSnapshot, QueueStatusSnapshot } from '../pbx/ports.js';
import { AcdAgent, AcdAgentEvent } from './acd.entities.js';
import type { AcdConfig, AcdSnapshot } from './acd.config.js';
import type { LiveHub } from './acd.live.js';
import { deriveAgentState, isNewer, type Derived, type MemberRow } from './agent-state.js';

export class AgentTracker {
  /** interface -> queue -> latest snapshot */
  private readonly rows = new Map<string, Map<string, MemberRow>>();
  /** agent id -> the state last written */
  private readonly written = new Map<string, { state: string; reason: string; wrapupUntil: number | null; since: Date }>();
  private chain: Promise<void> = Promise.resolve();
  /** Told when an agent's wrap-up ended (began and ended as written in the timeline): the call it followed gets its wrap-up time. */
  onWrapupEnded: ((agentId: string, began: Date, ended: Date) => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly config: AcdConfig,
    private readonly live: LiveHub,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Members of `queue` (as Asterisk last said) that are Hotline agents, logged in. */
  loggedInCount(queue: string, snap: AcdSnapshot): number {
    let n = 0;
    for (const [iface, qs] of this.rows) if (snap.byInterface.has(iface) && qs.has(queue)) n++;
    return n;
  }

  /** The membership rows Asterisk reported for an interface. */
  membershipsOf(iface: string): MemberRow[] {
    return [...(this.rows.get(iface)?.values() ?? [])];
  }

  start(): void {
    this.sweepTimer ??= setInterval(() => void this.sweep(), 500);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.rows.clear();
  }

  /** Applies one member event; the derived state is written in event order. */
  onMemberEvent(e: Extract<QueueEvent, { kind: 'member' }>): void {
    const m = e.member;
    let qs = this.rows.get(m.interface);
    if (e.cause === 'removed') {
      qs?.delete(m.queue);
    } else {
      if (!qs) this.rows.set(m.interface, (qs = new Map()));
      const prev = qs.get(m.queue);
      const row: MemberRow = isNewer(prev, m) ? { ...m, ringing: prev?.ringing } : prev!;
      if (e.cause === 'called') row.ringing = { callerUniqueid: e.callerUniqueid ?? '', until: this.now() + 60_000 };
      if (e.cause === 'connect' || e.cause === 'ringnoanswer' || e.cause === 'complete') row.ringing = undefined;
      if (e.cause === 'connect') row.inCall = true;
      if (e.cause === 'complete') row.inCall = false;
      qs.set(m.queue, row);
    }
    this.schedule([m.interface], 'ami');
    if (e.cause === 'called') void this.publishRinging(m, e.callerUniqueid ?? '', e.callerNumber ?? '');
  }

  /** A waiting caller left without an agent: no phone rings for them any more. */
  clearRinging(callerUniqueid: string): void {
    const touched: string[] = [];
    for (const [iface, qs] of this.rows)
      for (const r of qs.values())
        if (r.ringing?.callerUniqueid === callerUniqueid) {
          r.ringing = undefined;
          touched.push(iface);
        }
    if (touched.length) this.schedule(touched, 'ami');
  }

  /** Replaces every snapshot with what QueueStatus says, and writes the states that differ. */
  reconcile(status: QueueStatusSnapshot): Promise<number> {
    this.rows.clear();
    for (const m of status.members) {
      let qs = this.rows.get(m.interface);
      if (!qs) this.rows.set(m.interface, (qs = new Map()));
      qs.set(m.queue, { ...m });
    }
    return this.enqueue(async () => {
      const snap = await this.config.snapshot(true);
      let changed = 0;
      for (const a of snap.agents) if (await this.write(a, snap, 'reconcile')) changed++;
      return changed;
    });
  }

  private async publishRinging(m: QueueMemberSnapshot, callerUniqueid: string, callerNumber: string): Promise<void> {
    const a = (await this.config.snapshot()).byInterface.get(m.interface);
    if (a) this.live.publish({ type: 'agent.ringing', agentId: a.id, queue: m.queue, callerUniqueid, callerNumber, at: new Date(this.now()).toISOString() });
  }

  private schedule(ifaces: string[], source: string): void {
    void this.enqueue(async () => {
      const snap = await this.config.snapshot();
      for (const iface of ifaces) {
        const a = snap.byInterface.get(iface);
        if (a) await this.write(a, snap, source);
      }
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.then(
      () => undefined,
      (err: Error) => this.log.error({ err: err.message }, 'agent state update failed'),
    );
    return run;
  }

  derive(a: AcdAgent, snap: AcdSnapshot): Derived {
    const rows = this.membershipsOf(`PJSIP/${a.endpoint}`);
    return deriveAgentState(rows, (q) => snap.queueMap.get(q)?.wrapupSeconds ?? 0, this.now());
  }

  /**
   * Writes the agent's derived state if it differs from what was written; true if it did. A new
   * break reason while the agent stays on break is the same break: its timeline row takes the new
   * reason (no second break), and `since` stays when the break began.
   */
  private async write(a: AcdAgent, snap: AcdSnapshot, source: string): Promise<boolean> {
    const d = this.derive(a, snap);
    const last = this.written.get(a.id) ?? { state: a.state, reason: a.stateReason, wrapupUntil: a.wrapupUntil?.getTime() ?? null, since: a.stateSince };
    if (last.state === d.state && last.reason === d.reason && last.wrapupUntil === d.wrapupUntil) return false;
    const at = new Date(this.now());
    const stateChanged = last.state !== d.state;
    const since = stateChanged ? at : last.since;
    const wrapupUntil = d.wrapupUntil === null ? null : new Date(d.wrapupUntil);
    await this.db.transaction(async (m) => {
      const patch: Partial<AcdAgent> = { stateReason: d.reason, wrapupUntil, updatedAt: at };
      if (stateChanged) patch.state = d.state;
      if (stateChanged) patch.stateSince = at;
      await m.update(AcdAgent, { id: a.id }, patch);
      if (stateChanged) {
        await m.insert(AcdAgentEvent, { agentId: a.id, state: d.state, reason: d.reason, source, at });
      } else if (last.reason !== d.reason) {
        const open = await m.findOne(AcdAgentEvent, { where: { agentId: a.id }, order: { at: 'DESC', id: 'DESC' } });
        if (d.state === 'break' && open?.state === 'break') await m.update(AcdAgentEvent, { id: open.id }, { reason: d.reason });
        else await m.insert(AcdAgentEvent, { agentId: a.id, state: d.state, reason: d.reason, source, at });
      }
    });
    this.written.set(a.id, { state: d.state, reason: d.reason, wrapupUntil: d.wrapupUntil, since });
    if (stateChanged && last.state === 'wrap_up') this.onWrapupEnded?.(a.id, last.since, at);
    this.live.publish({ type: 'agent.state', agentId: a.id, name: a.name, state: d.state, reason: d.reason, since: since.toISOString(), wrapupUntil: wrapupUntil?.toISOString() ?? null, source });
    return true;
  }

  /** Wrap-up ends and ringing hints expire by time alone: re-derive the agents they concern. */
  private async sweep(): Promise<void> {
    const now = this.now();
    const due: string[] = [];
    for (const [id, w] of this.written) if (w.state === 'wrap_up' && w.wrapupUntil !== null && w.wrapupUntil <= now) due.push(id);
    for (const [iface, qs] of this.rows) for (const r of qs.values()) if (r.ringing && r.ringing.until <= now) due.push(iface);
    if (!due.length) return;
    await this.enqueue(async () => {
      const snap = await this.config.snapshot();
      for (const a of snap.agents) if (due.includes(a.id) || due.includes(`PJSIP/${a.endpoint}`)) await this.write(a, snap, 'wrapup-timer');
    });
  }

  /** Forgets what was written (after the agent rows were changed elsewhere). */
  forget(agentId: string): void {
    this.written.delete(agentId);
  }
}
