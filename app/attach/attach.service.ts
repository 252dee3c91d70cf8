// Hotline attached read-only to a PBX it does not own: from the PBX's AMI events it keeps call
// records, queue calls (the same log as Hotline's own queues, under the PBX's name) and the
// states of the PBX's queue members, and answers live stats for its queues. It reads only:
// the port it holds (AttachedPbx) has no command. Only the active node writes; after every
// (re)connect and on takeover it reconciles with QueueStatus and CoreShowChannels.
import type { Logger } from '../logger.js';
import type { AttachedPbx, AttachedPbxSink, ChannelEvent, QueueEvent, QueueParamsSnapshot, QueueStatusSnapshot } from '../pbx/ports.js';
import { deviceOf } from '../pbx/ami/channel-events.js';
import type { QueueCallLog } from '../acd/acd.calls.js';
import { AGENT_STATES } from '../acd/agent-state.js';
import type { AttachedAgents, AttachedAgentView } from './attach.agents.js';
import type { AttachedCallLog } from './attach.calls.js';
import { concernsCallRecord, type AttachEvent } from './call-mapping.js';
import { channelTimes, type PbxTimes } from './pbx-times.js';
import { logFailure } from '../log-failure.js';
import { addQueueCall, DEFAULT_DEFINITIONS, definitionStatements, emptyQueueCounters, queueFigures, resolveDefinitions } from '../reports/definitions.js';

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
    const nameless = isNamelessCompletion(e);
    if (!nameless && !concernsCallRecord(e)) return;
    this.enqueue(async () => {
      await this.queueCalls.flushed(); // the event's queue leg is written before the record reads the legs
      // An AgentComplete without the caller's fields (the caller's channel was gone as app_queue
      // reported the end): the call is the one the queue log matched to the member; without it the
      // record would never get the PBX's talk time.
      let event = e;
      if (nameless) {
        const caller = await this.queueCalls.callerOfCompletion(e);
        if (!caller) return;
        event = { ...e, callerUniqueid: caller, callerLinkedid: caller };
      }
      await this.calls.apply(
        event,
        (device) => this.agents.nameOfDevice(device),
        (linkedid, queue) => this.priorWait(linkedid, queue),
        async (linkedid) => (await this.queueCalls.legsOf(linkedid)).some((l) => l.outcome === 'abandoned'),
      );
    }, e.kind);
  }

  /** Seconds waited in the caller's other queues that let them go (timeout, overflow) before `queue`. */
  private async priorWait(linkedid: string, queue: string): Promise<number> {
    const legs = await this.queueCalls.legsOf(linkedid);
    return legs.filter((l) => l.queue !== queue && (l.outcome === 'timeout' || l.outcome === 'left' || l.outcome === 'abandoned')).reduce((s, l) => s + (l.holdSeconds ?? 0), 0);
  }

  private enqueue(work: () => Promise<unknown>, what: string): Promise<void> {
    this.chain = this.chain.then(work).then(
      () => undefined,
      (err: Error) => this.log.error({ err: err.message, what }, 'attached PBX: call record update failed'),
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
      .catch((err: Error) => this.log.warn({ err: err.message }, 'attached PBX: reconcile failed; retried at the next one'))
      .finally(() => (this.reconciling = undefined));
  }

  /** Adopts what the PBX says now: members' states, callers waiting, calls in progress. */
  async reconcile(): Promise<{ agentsChanged: number; callersClosed: number; callsClosed: number; callsOpened: number }> {
    const takenAt = new Date();
    const [status, channels] = await Promise.all([this.pbx.queueStatus(), this.pbx.channels()]);
    const agentsChanged = await this.agents.reconcile(status);
    await this.queueCalls.flushed();
    const times = await this.timesIfNeeded(channels, status, takenAt);
    // Answered unseen first: a caller seen waiting and answered meanwhile is answered, not gone.
    await this.queueCalls.adoptAnswered(answeredUnseen(channels, status, takenAt, times));
    const callersClosed = await this.queueCalls.reconcile(status, new Date(), takenAt);
    await this.queueCalls.adoptWaiting(status, takenAt);
    let result = { closed: 0, opened: 0, answered: 0 };
    await this.enqueue(async () => (result = await this.calls.reconcile(channels, takenAt, times)), 'reconcile');
    if (agentsChanged || callersClosed || result.closed || result.opened || result.answered) {
      this.log.info({ agentsChanged, callersClosed, callsClosed: result.closed, callsOpened: result.opened, callsAnswered: result.answered }, 'attached PBX reconciled');
    }
    return { agentsChanged, callersClosed, callsClosed: result.closed, callsOpened: result.opened };
  }

  /**
   * The PBX's own times of the channels (one Status, pbx-times.ts), asked only when a call in
   * progress needs them: a record to open or to mark answered, a queue call answered unseen.
   */
  private async timesIfNeeded(channels: Awaited<ReturnType<AttachedPbx['channels']>>, status: QueueStatusSnapshot, takenAt: Date): Promise<Map<string, PbxTimes>> {
    const unseen = answeredUnseen(channels, status, takenAt);
    const needed = (await this.calls.needsTimes(channels)) || (await this.queueCalls.anyNotAnswered(unseen));
    if (!needed) return new Map();
    try {
      const { times, clock } = channelTimes(channels, await this.pbx.channelClocks(), takenAt);
      if (clock && !clock.agrees) this.log.warn({ offsetMs: clock.offsetMs }, 'attached PBX: its clock differs from this one; its call times are moved onto this clock');
      if (!clock) this.log.warn('attached PBX: no CDR times from Status (CDR off on the PBX?); calls found in progress get times in whole seconds and no answer time');
      return times;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'attached PBX: Status (channel times) failed; calls found in progress get times in whole seconds');
      return channelTimes(channels, null, takenAt).times;
    }
  }

  // ---- reads (any node) -----------------------------------------------------------------
  /** Queue parameters as the PBX reports them now, or null when it cannot be asked. */
  private async params(queue?: string): Promise<QueueParamsSnapshot[] | null> {
    if (!this.pbx.link().up) return null;
    try {
      return (await this.pbx.queueStatus(queue)).params ?? [];
    } catch (err) {
      return logFailure(this.log, 'attached PBX: reading queue parameters', { context: { queue }, fallback: null })(err);
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
    const [waiting, totals, facts] = await Promise.all([
      this.queueCalls.waiting(queue),
      this.queueCalls.totalsSince(queue, dayStart, params?.serviceLevelSeconds || 20),
      this.queueCalls.factsSince(queue, dayStart),
    ]);
    // Unknown to the PBX now and never seen: not a queue of this PBX.
    if (!params && !members.length && !facts.length && !waiting.count) return null;
    // Availability is per membership: a member paused in this queue is on break here, whatever
    // their other queues say; a call (or ringing) anywhere keeps them from this queue too.
    const here = members.map((m) => ({ m, ...stateInQueue(m, queue) }));
    const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<string, number>;
    for (const h of here) byState[h.state] = (byState[h.state] ?? 0) + 1;
    // The reports' definitions (app/reports/definitions.ts), with the PBX's own service-level threshold.
    const definitions = resolveDefinitions({ serviceLevelSeconds: params?.serviceLevelSeconds || DEFAULT_DEFINITIONS.serviceLevelSeconds });
    const counters = emptyQueueCounters();
    for (const f of facts) addQueueCall(counters, { queue, ...f }, definitions);
    return {
      pbx: this.name,
      queue,
      waiting: waiting.count,
      longestWaitSeconds: waiting.longestWaitSeconds,
      agents: byState,
      members: here.map(({ m, state, reason }) => ({ interface: m.interface, name: m.name, state, reason, since: m.since })),
      today: { since: dayStart.toISOString(), ...totals, serviceLevelSeconds: definitions.serviceLevelSeconds },
      /** Today's figures by the reports' definitions, and those definitions in words. */
      figures: queueFigures(counters, definitions),
      definitions: { ...definitions, statements: { en: definitionStatements(definitions, 'en'), 'zh-CN': definitionStatements(definitions, 'zh-CN') } },
      /** Asterisk's own counters for the queue (since its last restart or reset), null when it cannot be asked. */
      asterisk: params && { completed: params.completed, abandoned: params.abandoned, waiting: params.calls, holdtime: params.holdtime, talktime: params.talktime, serviceLevelSeconds: params.serviceLevelSeconds, serviceLevelPerf: params.serviceLevelPerf },
    };
  }
}

/**
 * Callers whose Queue() is bridged to a member now (CoreShowChannels): their queue, when they
 * entered it and when the member answered. With the PBX's times (`times`, pbx-times.ts): the
 * member's channel's answer, and the wait app_queue set on the caller (QUEUEWAIT, the figure its
 * queue_log CONNECT line holds); without: the listing's ages in whole seconds.
 */
export function answeredUnseen(channels: Awaited<ReturnType<AttachedPbx['channels']>>, status: QueueStatusSnapshot, takenAt: Date, times: Map<string, PbxTimes> = new Map()) {
  const out: Parameters<QueueCallLog['adoptAnswered']>[0] = [];
  const stripped = (iface: string) => iface.replace(/\/n$/, '');
  for (const caller of channels) {
    if (caller.uniqueid !== caller.linkedid || caller.application.toLowerCase() !== 'queue' || !caller.bridgeId) continue;
    const queue = caller.applicationData.split(/[,|]/)[0]!.trim();
    const agent = channels.find((c) => c.bridgeId === caller.bridgeId && c.uniqueid !== caller.uniqueid);
    if (!queue || !agent) continue;
    const device = deviceOf(agent.name);
    const member = status.members.find((m) => m.queue === queue && (stripped(m.interface) === device || m.stateInterface === device));
    const callerStart = times.get(caller.uniqueid)?.startedAt ?? new Date(takenAt.getTime() - caller.durationSeconds * 1000);
    const answeredAt = times.get(agent.uniqueid)?.answeredAt ?? new Date(takenAt.getTime() - agent.durationSeconds * 1000);
    const holdSeconds = times.get(caller.uniqueid)?.queueWaitSeconds ?? Math.max(0, caller.durationSeconds - agent.durationSeconds);
    const joinedAt = new Date(Math.max(callerStart.getTime(), answeredAt.getTime() - holdSeconds * 1000));
    out.push({ queue, uniqueid: caller.uniqueid, callerNumber: caller.callerNumber, joinedAt, answeredAt, agentInterface: member?.interface ?? device, holdSeconds });
  }
  return out;
}

/** A member's state as one queue sees it (their agent-wide state, but their pause in this queue). */
export function stateInQueue(m: AttachedAgentView, queue: string): { state: string; reason: string } {
  if (m.state === 'on_call' || m.state === 'ringing' || m.state === 'logged_out') return { state: m.state, reason: m.reason };
  const membership = m.queues.find((q) => q.queue === queue);
  if (membership?.paused) return { state: 'break', reason: membership.pausedReason };
  if (m.state === 'break') return { state: 'available', reason: '' }; // paused elsewhere, not here
  return { state: m.state, reason: m.reason };
}

/** An AgentComplete that does not name its caller (Asterisk leaves the fields out when the caller's channel is already gone). */
function isNamelessCompletion(e: AttachEvent): e is Extract<QueueEvent, { kind: 'member' }> {
  return e.kind === 'member' && e.cause === 'complete' && !e.callerUniqueid && !e.callerLinkedid;
}
