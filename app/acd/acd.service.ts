// The ACD: keeps Asterisk's queues, agent devices and memberships what Hotline's model says,
// drives agent login / break / logout over AMI, tracks agent states and queue calls from AMI
// events, routes IVR calls, and answers live stats. Only the node that may act changes
// Asterisk; every node reads.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import { FencedError, type QueueControl, type QueueEvent, type QueueEventSink, type QueueMemberSnapshot } from '../pbx/ports.js';
import { AcdAgentEvent, AcdSync } from './acd.entities.js';
import { agentView, type AcdConfig, type AgentView } from './acd.config.js';
import type { AgentTracker } from './acd.agents.js';
import type { QueueCallLog } from './acd.calls.js';
import { AgentStateError, PbxUnavailableError, UnknownBreakReasonError } from './acd.errors.js';
import { DEVICES_FILE, QUEUES_FILE, RULES_FILE, deviceInterface, deviceSections, membershipsOf, queueSections, ruleSections, webrtcTransportOf } from './asterisk-config.js';
import { Dispositions } from './dispositions.js';
import { outboundGlobals } from '../pbx/dialplan.js';
import type { OutboundCallLog } from './outbound-calls.js';
import { route, type RouteDecision, type RouteInput } from './routing.js';
import { AGENT_STATES, DISPOSITION_PAUSE, takesCalls } from './agent-state.js';
import type { CallbackService } from './callback.service.js';
import { logFailure } from '../log-failure.js';
import type { QueueSettings } from './acd.schemas.js';

export interface AcdOptions {
  /** Dialplan context of calls agents' devices place. */
  deviceContext: string;
  mediaAddress?: string;
  /** How often agent states are compared with QueueStatus while all is quiet. */
  reconcileMs: number;
  /** Attached read-only to a PBX Hotline does not own: never write to it. */
  readOnly: boolean;
  /** Where browsers reach Asterisk's SIP over WebSocket (ws:// or wss://: picks the WebRTC phones' transport). */
  webrtcWsUrl: string;
  /** HOTLINE_OUTBOUND_DIAL: the agents' context dials outside numbers this way (set as dialplan globals). */
  outboundDial: string;
  /** A browser phone that sends no audio this long (its tab closed mid-call) is hung up by Asterisk; 0: never. */
  agentRtpTimeoutSeconds?: number;
}

export interface VipLookup {
  vipLevel(callerNumber: string): Promise<number>;
}

export class AcdService implements QueueEventSink {
  private reconcileTimer: NodeJS.Timeout | undefined;
  private active = false;
  private linkUpRunning: Promise<void> | undefined;
  readonly dispositions: Dispositions;
  /** The agents' outbound calls (set by the module: outbound-calls.ts). */
  outbound: OutboundCallLog | undefined;

  constructor(
    private readonly db: DataSource,
    readonly config: AcdConfig,
    private readonly tracker: AgentTracker,
    readonly calls: QueueCallLog,
    private readonly pbx: QueueControl,
    private readonly vip: VipLookup,
    private readonly opts: AcdOptions,
    private readonly log: Logger,
    readonly callbacks: CallbackService,
  ) {
    this.dispositions = new Dispositions(config, calls);
  }

  // ---- lifecycle (leadership) ---------------------------------------------------------
  /** This node acts now: sync Asterisk and start tracking. */
  activate(): void {
    this.active = true;
    this.tracker.start();
    this.reconcileTimer ??= setInterval(() => void this.reconcile().catch(logFailure(this.log, 'ACD: reconciling with QueueStatus (next tick tries again)')), this.opts.reconcileMs);
    this.reconcileTimer.unref();
    this.onQueueLinkUp();
    if (!this.opts.readOnly) this.callbacks.activate();
  }

  deactivate(): void {
    this.active = false;
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    this.reconcileTimer = undefined;
    this.tracker.stop();
    this.callbacks.deactivate();
    this.calls.stopListening();
  }

  onQueueEvent(e: QueueEvent): void {
    if (!this.active) return;
    if (e.kind === 'callback') {
      this.callbacks.onEvent(e);
      return;
    }
    if (e.kind === 'outbound') {
      this.outbound?.onEvent(e);
      return;
    }
    if (e.kind === 'member') this.tracker.onMemberEvent(e);
    if (e.kind === 'member' && e.cause === 'connect' && e.callerUniqueid) this.callbacks.onAgentConnect(e.callerUniqueid, e.member.interface);
    if (e.kind === 'member' && e.cause === 'complete' && !this.opts.readOnly) void this.holdForDisposition(e.member.queue, e.member.interface);
    if (e.kind === 'caller-abandon' || e.kind === 'caller-leave') this.tracker.clearRinging(e.uniqueid);
    this.calls.onEvent(e);
  }

  /** After every AMI (re)connect: a restarted Asterisk gets Hotline's config and logged-in agents back; then states are reconciled. */
  onQueueLinkUp(): void {
    if (!this.active) return;
    this.linkUpRunning ??= this.linkUp()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'ACD sync with Asterisk failed; retried at the next reconcile'))
      .finally(() => (this.linkUpRunning = undefined));
  }

  private async linkUp(): Promise<void> {
    const startedAt = await this.pbx.startedAt();
    const known = await this.db.manager.findOne(AcdSync, { where: { key: 'asterisk_started' } });
    if (!this.opts.readOnly) {
      // Always: a change saved while Asterisk was unreachable reaches it now.
      await this.syncConfig();
      if (known?.value !== startedAt) {
        this.log.info({ startedAt }, 'Asterisk started since Hotline last synced: restoring logged-in agents');
        await this.restoreMembers();
        await this.db.manager.save(AcdSync, { key: 'asterisk_started', value: startedAt });
      }
      await this.syncMembers();
      return;
    }
    await this.reconcile();
  }

  /** Compares with QueueStatus and adopts what Asterisk says; returns how many agents changed. */
  async reconcile(): Promise<{ agentsChanged: number; callersClosed: number }> {
    const status = await this.pbx.status();
    const agentsChanged = await this.tracker.reconcile(status);
    const callersClosed = await this.calls.reconcile(status);
    const held = await this.holdMissingDispositions(status.members);
    if (agentsChanged || callersClosed || held) this.log.info({ agentsChanged, callersClosed, held }, 'ACD reconciled with QueueStatus');
    return { agentsChanged, callersClosed };
  }

  // ---- Asterisk config ------------------------------------------------------------------
  private guard<T>(p: Promise<T>): Promise<T> {
    return p.catch((err: Error) => {
      throw new PbxUnavailableError(err instanceof FencedError ? 'this node is not the active one' : err.message);
    });
  }

  /** Writes queues, queue rules and agent devices into Asterisk and reloads them. */
  /** Whether Asterisk can take a change now (see QueueControl.reachable). */
  pbxReachable(): boolean {
    return this.pbx.reachable();
  }

  async syncConfig(): Promise<void> {
    if (this.opts.readOnly) return;
    const snap = await this.config.snapshot(true);
    await this.guard(this.pbx.writeConfig(RULES_FILE, ruleSections(snap.queues), 'queues'));
    await this.guard(this.pbx.writeConfig(QUEUES_FILE, queueSections(snap.queues), 'queues'));
    const devices = snap.agents.map((a) => ({ endpoint: a.endpoint, phone: a.phone === 'webrtc' ? ('webrtc' as const) : ('desk' as const), contact: a.contact, sipPassword: a.sipPassword, skills: JSON.parse(a.skills) as Record<string, number> }));
    const opts = { context: this.opts.deviceContext, mediaAddress: this.opts.mediaAddress, webrtcTransport: webrtcTransportOf(this.opts.webrtcWsUrl), rtpTimeoutSeconds: this.opts.agentRtpTimeoutSeconds ?? 0 };
    await this.guard(this.pbx.writeConfig(DEVICES_FILE, deviceSections(devices, opts), 'pjsip'));
    await this.guard(this.pbx.setGlobals(outboundGlobals(this.opts.outboundDial)));
  }

  /** Makes every logged-in agent's memberships and penalties match its skills. */
  async syncMembers(): Promise<void> {
    if (this.opts.readOnly) return;
    const snap = await this.config.snapshot(true);
    const status = await this.pbx.status();
    await this.tracker.reconcile(status);
    const owned = new Set(snap.queueMap.keys());
    for (const a of snap.agents) {
      const iface = deviceInterface(a.endpoint);
      const rows = this.tracker.membershipsOf(iface);
      if (!rows.length) continue; // logged out
      const want = membershipsOf(JSON.parse(a.skills), snap.queues);
      const paused = rows.every((r) => r.paused);
      const reason = rows.find((r) => r.pausedReason)?.pausedReason;
      for (const [queue, penalty] of want) {
        const row = rows.find((r) => r.queue === queue);
        if (!row) await this.guard(this.pbx.addMember(queue, { interface: iface, name: a.name, penalty, paused, reason }));
        else if (row.penalty !== penalty) await this.guard(this.pbx.setPenalty(queue, iface, penalty));
      }
      for (const r of rows) if (owned.has(r.queue) && !want.has(r.queue)) await this.guard(this.pbx.removeMember(r.queue, iface));
    }
    await this.reconcile();
  }

  /** After an Asterisk restart (dynamic members are gone): log the agents back in as they were. */
  private async restoreMembers(): Promise<void> {
    const snap = await this.config.snapshot(true);
    for (const a of snap.agents) {
      if (a.state === 'logged_out') continue;
      const want = membershipsOf(JSON.parse(a.skills), snap.queues);
      const paused = a.state === 'break';
      for (const [queue, penalty] of want) await this.guard(this.pbx.addMember(queue, { interface: deviceInterface(a.endpoint), name: a.name, penalty, paused, reason: paused ? a.stateReason : undefined }));
    }
  }

  // ---- agent actions --------------------------------------------------------------------
  private async settle(agentId: string): Promise<AgentView> {
    // QueueStatus is the truth right after a change: it reflects the change before its events arrive.
    await this.reconcile();
    return agentView(await this.config.agent(agentId));
  }

  async login(agentId: string): Promise<AgentView> {
    const a = await this.config.agent(agentId);
    const snap = await this.config.snapshot(true);
    const want = membershipsOf(JSON.parse(a.skills), snap.queues);
    if (!want.size) throw new AgentStateError('no_queues', `agent ${a.name} has the skills of no queue: nothing to log in to`);
    for (const [queue, penalty] of want) await this.guard(this.pbx.addMember(queue, { interface: deviceInterface(a.endpoint), name: a.name, penalty, paused: false }));
    return this.settle(agentId);
  }

  async logout(agentId: string): Promise<AgentView> {
    const a = await this.config.agent(agentId);
    const iface = deviceInterface(a.endpoint);
    const status = await this.guard(this.pbx.status());
    for (const m of status.members.filter((x) => x.interface === iface)) await this.guard(this.pbx.removeMember(m.queue, iface));
    return this.settle(agentId);
  }

  /** A call of a queue that requires a disposition ended: the agent waits in wrap-up (paused) until it gives one. */
  private async holdForDisposition(queue: string, iface: string): Promise<void> {
    const snap = await this.config.snapshot();
    if (!snap.queueMap.get(queue)?.dispositions.required || !snap.byInterface.has(iface)) return;
    await this.pbx.pause(iface, true, DISPOSITION_PAUSE).catch((err: Error) => this.log.warn({ err: err.message, iface }, 'could not hold the agent for a disposition; the next reconcile holds it'));
  }

  /**
   * An agent taking calls while its last call still needs a disposition is held for it: the
   * AgentComplete that holds it can be lost (AMI link down at that moment, the pause refused, a
   * restarted Asterisk that got its members back unpaused). The disposition is written before the
   * agent is released, so this never re-holds an agent that gave it.
   */
  private async holdMissingDispositions(members: QueueMemberSnapshot[]): Promise<number> {
    if (this.opts.readOnly) return 0;
    const snap = await this.config.snapshot();
    const byIface = new Map<string, QueueMemberSnapshot[]>();
    for (const m of members) byIface.set(m.interface, [...(byIface.get(m.interface) ?? []), m]);
    let held = 0;
    for (const [iface, rows] of byIface) {
      const agent = snap.byInterface.get(iface);
      if (!agent || !rows.some((r) => r.lastCall > 0) || !takesCalls(rows)) continue;
      const missing = await this.dispositions.missing(agent.id);
      if (!missing || !missing.endedAt) continue;
      this.log.warn({ agent: agent.name, queue: missing.queue, uniqueid: missing.uniqueid }, 'agent was taking calls while its last call needs a disposition: held for it');
      await this.pbx.pause(iface, true, DISPOSITION_PAUSE);
      held++;
    }
    return held;
  }

  /** The disposition is given: an agent held for it goes on with the queue's wrap-up, then takes calls. */
  async dispositionGiven(agentId: string): Promise<void> {
    const a = await this.config.agent(agentId);
    const iface = deviceInterface(a.endpoint);
    const rows = (await this.pbx.status()).members.filter((m) => m.interface === iface);
    if (rows.length && rows.every((r) => r.paused && r.pausedReason === DISPOSITION_PAUSE)) {
      await this.guard(this.pbx.pause(iface, false));
      await this.reconcile();
    }
  }

  /** Ready (unpause); refused while the last call of a queue that requires a disposition has none. */
  async ready(agentId: string): Promise<AgentView> {
    await this.config.agent(agentId);
    const missing = await this.dispositions.missing(agentId);
    if (missing) throw new AgentStateError('disposition_required', `pick a disposition for the last call (queue ${missing.queue}) before going Ready`, { queue: missing.queue, uniqueid: missing.uniqueid });
    return this.setBreak(agentId, null);
  }

  /** Break with a reason (one of the admin's list, when there is one); a new reason while on break changes the reason of the same break. */
  async takeBreak(agentId: string, reason: string): Promise<AgentView> {
    const list = (await this.config.snapshot()).breakReasons;
    if (reason === DISPOSITION_PAUSE || (list.length && !list.some((r) => r.code === reason))) throw new UnknownBreakReasonError(reason, list.map((r) => r.code));
    return this.setBreak(agentId, reason);
  }

  private async setBreak(agentId: string, reason: string | null): Promise<AgentView> {
    const a = await this.config.agent(agentId);
    const iface = deviceInterface(a.endpoint);
    if (!this.tracker.membershipsOf(iface).length && (await this.pbx.status()).members.every((m) => m.interface !== iface)) {
      throw new AgentStateError('logged_out', `agent ${a.name} is logged out: log in first`);
    }
    await this.guard(this.pbx.pause(iface, reason !== null, reason ?? undefined));
    return this.settle(agentId);
  }

  async timeline(agentId: string, limit: number): Promise<Array<{ state: string; reason: string; source: string; at: Date }>> {
    await this.config.agent(agentId);
    const rows = await this.db.manager.find(AcdAgentEvent, { where: { agentId }, order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map((r) => ({ state: r.state, reason: r.reason, source: r.source, at: r.at }));
  }

  // ---- routing --------------------------------------------------------------------------
  async route(input: Omit<RouteInput, 'vipLevel' | 'now'> & { now?: Date }): Promise<RouteDecision & Surveys & { callback?: { key: string; estimatedWaitSeconds: number } }> {
    const snap = await this.config.snapshot();
    const vipLevel = input.callerNumber ? await this.vip.vipLevel(input.callerNumber).catch(logFailure(this.log, 'ACD: looking up the caller\'s VIP level (routed as not VIP)', { fallback: 0 })) : 0;
    const routed = route(
      { ...input, vipLevel, now: input.now ?? new Date() },
      { rules: snap.rules, regions: snap.regions, queues: snap.queueMap, agentsLoggedIn: (q) => this.tracker.loggedInCount(q, snap) },
    );
    const d = withSurveys(routed, snap.queueMap);
    const cb = snap.queueMap.get(d.queue)?.callback;
    if (!cb || d.noAgents) return d;
    const estimatedWaitSeconds = cb.offerAfterSeconds === 0 ? 0 : await this.estimatedWait(d.queue).catch(logFailure(this.log, 'ACD: estimating the wait (no callback offered)', { context: { queue: d.queue }, fallback: 0 }));
    return estimatedWaitSeconds >= cb.offerAfterSeconds ? { ...d, callback: { key: cb.key, estimatedWaitSeconds } } : d;
  }

  private readonly waitEstimates = new Map<string, { at: number; seconds: number }>();

  /** A rough wait for a caller joining now: callers ahead x average talk time / agents logged in (cached 5 s). */
  async estimatedWait(queue: string): Promise<number> {
    const hit = this.waitEstimates.get(queue);
    if (hit && Date.now() - hit.at < 5000) return hit.seconds;
    const snap = await this.config.snapshot();
    const loggedIn = this.tracker.loggedInCount(queue, snap);
    const available = snap.agents.filter((a) => a.state === 'available' && membershipsOf(JSON.parse(a.skills), snap.queues).has(queue)).length;
    const waiting = (await this.calls.waiting(queue)).count;
    const seconds = available > waiting ? 0 : Math.round(((waiting + 1) * ((await this.calls.averageTalkSeconds(queue)) ?? 180)) / Math.max(1, loggedIn));
    this.waitEstimates.set(queue, { at: Date.now(), seconds });
    return seconds;
  }

  // ---- live stats -----------------------------------------------------------------------
  async stats(queue: string, dayStart: Date): Promise<Record<string, unknown>> {
    const q = await this.config.getQueue(queue);
    const snap = await this.config.snapshot();
    const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<string, number>;
    for (const a of snap.agents) if (membershipsOf(JSON.parse(a.skills), [q]).has(queue)) byState[a.state] = (byState[a.state] ?? 0) + 1;
    const [waiting, today, callbacks] = await Promise.all([this.calls.waiting(queue), this.calls.totalsSince(queue, dayStart, q.settings.serviceLevelSeconds), this.callbacks.stats(queue, dayStart)]);
    return {
      queue,
      waiting: waiting.count,
      longestWaitSeconds: waiting.longestWaitSeconds,
      agents: byState,
      callbacks: { scheduled: callbacks.scheduled, waiting: callbacks.waiting, connecting: callbacks.connecting, retrying: callbacks.retrying },
      today: { since: dayStart.toISOString(), ...today, serviceLevelSeconds: q.settings.serviceLevelSeconds, callbacks: { requested: callbacks.requested, completed: callbacks.completed, failed: callbacks.failed } },
    };
  }
}

/** The satisfaction surveys of the queue a caller is sent to and of its overflow queue (settings `survey`). */
interface Surveys {
  survey?: string;
  overflowSurvey?: string;
}

function withSurveys(d: RouteDecision, queues: Map<string, QueueSettings>): RouteDecision & Surveys {
  const survey = queues.get(d.queue)?.survey;
  const overflowSurvey = d.overflow ? queues.get(d.overflow.queue)?.survey : undefined;
  return { ...d, ...(survey ? { survey } : {}), ...(overflowSurvey ? { overflowSurvey } : {}) };
}
