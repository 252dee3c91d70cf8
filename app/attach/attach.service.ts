// Hotline attached read-only to a PBX it does not own: from the PBX's AMI events it keeps call
// records, queue calls (the same log as Hotline's own queues, under the PBX's name) and the
// states of the PBX's queue members, and answers live stats for its queues. It reads only:
// the port it holds (AttachedPbx) has no command. Only the active node writes; after every
// (re)connect and on takeover it reconciles with QueueStatus and CoreShowChannels.
import type { Logger } from '../logger.js';
import type { AttachedPbx, AttachedPbxSink, ChannelEvent, QueueEvent, QueueParamsSnapshot } from '../pbx/ports.js';
import type { QueueCallLog } from '../acd/acd.calls.js';
import { AGENT_STATES } from '../acd/agent-state.js';
import type { AttachedAgents, AttachedAgentView } from './attach.agents.js';
import type { AttachedCallLog } from './attach.calls.js';
import { concernsCallRecord, type AttachEvent } from './call-mapping.js';

export interface AttachOptions {
  /** How often states are compared with QueueStatus / CoreShowChannels while all is quiet. */
  reconcileMs: number;
}

export class AttachService implements AttachedPbxSink {
  private active = false;
  private chain: Promise<void> = Promise.resolve();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<unknown> | undefined;

  constructor(
    readonly pbx: AttachedPbx,
    private readonly calls: AttachedCallLog,
    private readonly queueCalls: QueueCallLog,
    readonly agents: AttachedAgents,
    private readonly opts: AttachOptions,
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.pbx.name;
  }

  // ---- leadership: only the active node records --------------------------------------------
  activate(): void {
    this.active = true;
    this.agents.start();
    this.reconcileTimer ??= setInterval(() => this.onLinkUp(), this.opts.reconcileMs);
    this.reconcileTimer.unref();
    this.onLinkUp();
  }

  deactivate(): void {
    this.active = false;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = undefined;
    this.agents.stop();
  }

  // ---- events ------------------------------------------------------------------------------
  onQueueEvent(e: QueueEvent): void {
    if (!this.active) return;
    if (e.kind === 'member') this.agents.onMemberEvent(e);
    if (e.kind === 'caller-abandon' || e.kind === 'caller-leave') this.agents.clearRinging(e.uniqueid);
    this.queueCalls.onEvent(e);
    this.record(e);
  }

  onChannelEvent(e: ChannelEvent): void {
    if (!this.active) return;
    this.record(e);
  }

  private record(e: AttachEvent): void {
    if (!concernsCallRecord(e)) return;
    this.enqueue(() => this.calls.apply(e), e.kind);
  }

  private enqueue(work: () => Promise<unknown>, what: string): Promise<void> {
    this.chain = this.chain.then(work).then(
      () => undefined,
      (err: Error) => this.log.error({ err: err.message, pbx: this.name, what }, 'attached PBX: call record update failed'),
    );
    return this.chain;
  }

  /** Resolves when every event so far is written (tests, shutdown). */
  async flushed(): Promise<void> {
    await Promise.all([this.chain, this.queueCalls.flushed(), this.agents.flushed()]);
  }

  onLinkUp(): void {
    if (!this.active || this.reconciling) return;
    this.reconciling = this.reconcile()
      .catch((err: Error) => this.log.warn({ err: err.message, pbx: this.name }, 'attached PBX: reconcile failed; retried at the next one'))
      .finally(() => (this.reconciling = undefined));
  }

  /** Adopts what the PBX says now: members' states, callers waiting, calls in progress. */
  async reconcile(): Promise<{ agentsChanged: number; callersClosed: number; callsClosed: number; callsOpened: number }> {
    const takenAt = new Date();
    const [status, channels] = await Promise.all([this.pbx.queueStatus(), this.pbx.channels()]);
    const agentsChanged = await this.agents.reconcile(status);
    await this.queueCalls.flushed();
    const callersClosed = await this.queueCalls.reconcile(status, new Date(), takenAt);
    await this.queueCalls.adoptWaiting(status, takenAt);
    let result = { closed: 0, opened: 0 };
    await this.enqueue(async () => (result = await this.calls.reconcile(channels, takenAt)), 'reconcile');
    if (agentsChanged || callersClosed || result.closed || result.opened) {
      this.log.info({ pbx: this.name, agentsChanged, callersClosed, callsClosed: result.closed, callsOpened: result.opened }, 'attached PBX reconciled');
    }
    return { agentsChanged, callersClosed, callsClosed: result.closed, callsOpened: result.opened };
  }

  // ---- reads (any node) -----------------------------------------------------------------
  /** Queue parameters as the PBX reports them now, or null when it cannot be asked. */
  private async params(queue?: string): Promise<QueueParamsSnapshot[] | null> {
    if (!this.pbx.link().up) return null;
    try {
      return (await this.pbx.queueStatus(queue)).params ?? [];
    } catch {
      return null;
    }
  }

  async overview(): Promise<{ name: string; up: boolean; since: Date; queues: string[] | null }> {
    const link = this.pbx.link();
    const params = await this.params();
    return { name: this.name, up: link.up, since: link.since, queues: params?.map((p) => p.queue).sort() ?? null };
  }

  async agentList(): Promise<AttachedAgentView[]> {
    return this.agents.list();
  }

  async stats(queue: string, dayStart: Date): Promise<Record<string, unknown> | null> {
    const params = (await this.params(queue))?.find((p) => p.queue === queue) ?? null;
    const members = (await this.agents.list()).filter((a) => a.queues.some((q) => q.queue === queue));
    const [waiting, totals] = await Promise.all([this.queueCalls.waiting(queue), this.queueCalls.totalsSince(queue, dayStart, params?.serviceLevelSeconds || 20)]);
    // Unknown to the PBX now and never seen: not a queue of this PBX.
    if (!params && !members.length && !totals.answered && !totals.abandoned && !totals.left && !waiting.count) return null;
    const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<string, number>;
    for (const m of members) byState[m.state] = (byState[m.state] ?? 0) + 1;
    return {
      pbx: this.name,
      queue,
      waiting: waiting.count,
      longestWaitSeconds: waiting.longestWaitSeconds,
      agents: byState,
      members: members.map((m) => ({ interface: m.interface, name: m.name, state: m.state, reason: m.reason, since: m.since })),
      today: { since: dayStart.toISOString(), ...totals, serviceLevelSeconds: params?.serviceLevelSeconds || 20 },
      /** Asterisk's own counters for the queue (since its last restart or reset), null when it cannot be asked. */
      asterisk: params && { completed: params.completed, abandoned: params.abandoned, waiting: params.calls, holdtime: params.holdtime, talktime: params.talktime, serviceLevelSeconds: params.serviceLevelSeconds, serviceLevelPerf: params.serviceLevelPerf },
    };
  }
}
