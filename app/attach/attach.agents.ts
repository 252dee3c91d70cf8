// States of the members of an attached PBX's queues. Same model as Hotline's own agents
// (acd.agents.ts): the latest snapshot per membership from every Agent*/QueueMember* event,
// replaced by QueueStatus after each (re)connect and takeover, and the one state derived from
// them (agent-state.ts, pure). The members are the PBX's, keyed by interface, named by their
// MemberName; each change is stored (attach_agents) and published on the live feed.
import type { DataSource, Repository } from 'typeorm';
import type { Logger } from '../logger.js';
import type { QueueEvent, QueueStatusSnapshot } from '../pbx/ports.js';
import type { LiveHub } from '../acd/acd.live.js';
import { deriveAgentState, isNewer, type MemberRow } from '../acd/agent-state.js';
import { AttachedAgent } from './attach.entities.js';

export interface MembershipView {
  queue: string;
  paused: boolean;
  pausedReason: string;
  penalty: number;
  status: number;
  inCall: boolean;
  callsTaken: number;
}

export interface AttachedAgentView {
  interface: string;
  name: string;
  state: string;
  reason: string;
  since: Date;
  queues: MembershipView[];
}

const view = (r: AttachedAgent): AttachedAgentView => ({ interface: r.interface, name: r.name, state: r.state, reason: r.stateReason, since: r.stateSince, queues: JSON.parse(r.queues) as MembershipView[] });

export class AttachedAgents {
  /** interface -> queue -> latest snapshot */
  private readonly rows = new Map<string, Map<string, MemberRow>>();
  private readonly repo: Repository<AttachedAgent>;
  private chain: Promise<void> = Promise.resolve();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    db: DataSource,
    readonly source: string,
    private readonly live: LiveHub,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.repo = db.getRepository(AttachedAgent);
  }

  start(): void {
    this.sweepTimer ??= setInterval(() => this.sweep(), 1000);
    this.sweepTimer.unref();
  }

  stop(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.rows.clear();
  }

  /** Resolves when every change so far is written. */
  flushed(): Promise<void> {
    return this.chain;
  }

  onMemberEvent(e: Extract<QueueEvent, { kind: 'member' }>): void {
    const m = e.member;
    if (!m.interface) return;
    let qs = this.rows.get(m.interface);
    if (e.cause === 'removed') {
      qs?.delete(m.queue);
    } else {
      if (!qs) this.rows.set(m.interface, (qs = new Map()));
      const prev = qs.get(m.queue);
      const row: MemberRow = isNewer(prev, m) ? { ...m, name: m.name || prev?.name || '', ringing: prev?.ringing } : prev!;
      if (e.cause === 'called') row.ringing = { callerUniqueid: e.callerUniqueid ?? '', until: this.now() + 60_000 };
      if (e.cause === 'connect' || e.cause === 'ringnoanswer' || e.cause === 'complete') row.ringing = undefined;
      if (e.cause === 'connect') row.inCall = true;
      if (e.cause === 'complete') row.inCall = false;
      qs.set(m.queue, row);
    }
    this.schedule([m.interface], 'ami');
  }

  /** The member's name for a device: their interface, or the phone behind it (`state_interface` of a Local/ member). */
  nameOfDevice(device: string): string | null {
    for (const qs of this.rows.values()) for (const r of qs.values()) if ((r.interface === device || r.stateInterface === device) && r.name) return r.name;
    return null;
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

  /** Replaces every snapshot with QueueStatus; members no longer listed are logged out. */
  async reconcile(status: QueueStatusSnapshot): Promise<number> {
    this.rows.clear();
    for (const m of status.members) {
      if (!m.interface) continue;
      let qs = this.rows.get(m.interface);
      if (!qs) this.rows.set(m.interface, (qs = new Map()));
      qs.set(m.queue, { ...m });
    }
    let changed = 0;
    await this.enqueue(async () => {
      const known = (await this.repo.find({ where: { source: this.source }, select: { interface: true } })).map((r) => r.interface);
      for (const iface of new Set([...this.rows.keys(), ...known])) if (await this.write(iface, 'reconcile')) changed++;
    });
    return changed;
  }

  async list(): Promise<AttachedAgentView[]> {
    const rows = await this.repo.find({ where: { source: this.source }, order: { interface: 'ASC' } });
    return rows.map(view);
  }

  private schedule(ifaces: string[], source: string): void {
    void this.enqueue(async () => {
      for (const iface of new Set(ifaces)) await this.write(iface, source);
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch((err: Error) => this.log.error({ err: err.message }, 'attached agent state update failed'));
    return this.chain;
  }

  /** Writes the member's derived state if it differs from the stored one; true if it did. */
  private async write(iface: string, source: string): Promise<boolean> {
    const memberships = [...(this.rows.get(iface)?.values() ?? [])];
    // No wrap-up: the PBX's queues' wrap-up times are its own business (see docs/attach.md, limitations).
    const d = deriveAgentState(memberships, () => 0, this.now());
    const queues: MembershipView[] = memberships
      .map((r) => ({ queue: r.queue, paused: r.paused, pausedReason: r.pausedReason, penalty: r.penalty, status: r.status, inCall: r.inCall, callsTaken: r.callsTaken }))
      .sort((a, b) => a.queue.localeCompare(b.queue));
    const prev = await this.repo.findOne({ where: { source: this.source, interface: iface } });
    const name = (memberships.find((r) => r.name)?.name ?? prev?.name ?? '').slice(0, 128);
    const queuesJson = JSON.stringify(queues);
    if (prev && prev.state === d.state && prev.stateReason === d.reason && prev.queues === queuesJson && prev.name === name) return false;
    if (!prev && memberships.length === 0) return false;
    const at = new Date(this.now());
    const stateSince = prev && prev.state === d.state ? prev.stateSince : at;
    await this.repo.save({ source: this.source, interface: iface, name, state: d.state, stateReason: d.reason.slice(0, 64), stateSince, queues: queuesJson, updatedAt: at });
    if (!prev || prev.state !== d.state || prev.stateReason !== d.reason) {
      this.live.publish({ type: 'attach.agent.state', pbx: this.source, interface: iface, name, state: d.state, reason: d.reason, since: stateSince.toISOString(), queues: queues.map((q) => q.queue), source });
    }
    return true;
  }

  /** Ringing hints expire by time alone. */
  private sweep(): void {
    const now = this.now();
    const due: string[] = [];
    for (const [iface, qs] of this.rows) for (const r of qs.values()) if (r.ringing && r.ringing.until <= now) (r.ringing = undefined), due.push(iface);
    if (due.length) this.schedule(due, 'timer');
  }
}
