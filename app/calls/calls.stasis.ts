// The Stasis side of calls: every inbound call runs the ordered pipeline
// resolve number -> create the call record -> pick the flow -> run it,
// and every way out of it ends in a known state (completed, caller hung up, handed back).
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';
import { ignoreChannelGone } from '../pbx/gone.js';
import { FencedError, type CallControl, type CallEventSink, type CallInfo, type PbxCallEvent } from '../pbx/ports.js';
import type { CallOutcome, CallRecord } from './calls.entities.js';
import { CallContext } from './call-context.js';
import { CallEnded, CallSession } from './call-session.js';
import type { CallsService, PathEntry } from './calls.service.js';
import type { CallFlow, FlowResolver } from './call-flow.js';
import type { FlowCall } from '../ivr/runtime/runtime.js';
import type { CallContextHooks } from './call-context.js';

export interface CallsStasisOptions {
  maxCallSeconds: number;
}

/**
 * Work on a call whose record exists already and is not this pipeline's to start or finish (a
 * satisfaction survey after the agent hung up): it gets the call as a flow does, and a way to
 * put events on the call's timeline.
 */
export interface FollowedCall {
  callId: string;
  startedAt: Date;
  /** The longest this work may keep the caller; then Hotline hangs up. */
  maxMs: number;
  run(call: FlowCall, timeline: (type: string, detail?: unknown) => void): Promise<void>;
}

export interface CallOutcomeListener {
  (outcome: CallOutcome): void;
}

export class CallsStasis implements CallEventSink {
  private readonly sessions = new Map<string, CallSession>();
  private readonly running = new Set<Promise<void>>();
  /**
   * Events of calls whose session is not there yet (their record is being read or written):
   * a digit pressed or a hang-up while a standby resumes the call, or while a new call's record
   * is written, reaches the session instead of being lost.
   */
  private readonly early = new Map<string, PbxCallEvent[]>();
  private accepting = true;
  /**
   * Asked before a call is handed to the dialplan because something failed (often the database):
   * false when this node has lost the lease meanwhile (it fenced itself), and then the call stays
   * in Stasis for the node that takes over, which resumes it from its record. Set by the HA wiring.
   */
  confirmActive: () => Promise<boolean> = async () => true;

  constructor(
    private readonly control: CallControl,
    private readonly calls: CallsService,
    private readonly log: Logger,
    private readonly flows: FlowResolver,
    private readonly opts: CallsStasisOptions,
    private readonly onOutcome: CallOutcomeListener = () => {},
    private readonly hooks: CallContextHooks = {},
  ) {}

  /** Whether a session of this node drives the call on that channel now. */
  follows(channelId: string): boolean {
    return this.sessions.has(channelId);
  }

  get inProgress(): number {
    return this.sessions.size;
  }

  onCallEvent(event: PbxCallEvent): void {
    if (event.kind === 'entered') {
      this.enter(event.call, event.at);
      return;
    }
    const session = this.sessions.get(event.channelId);
    if (session) session.deliver(event);
    else {
      const held = this.early.get(event.channelId);
      if (held && held.length < 100) held.push(event);
    }
  }

  onCallsRecovered(calls: CallInfo[], reconnect: boolean): void {
    for (const call of calls) {
      const local = this.sessions.get(call.channelId);
      if (local) {
        // Our own call, still running: events in the gap are lost, so repeat the prompt.
        local.resyncRequested = true;
        local.interrupt();
        continue;
      }
      this.track(call.channelId, this.resume(call));
    }
    if (reconnect) this.log.info({ calls: calls.length }, 'ARI link back; calls in the app resumed');
  }

  private enter(call: CallInfo, at: Date): void {
    if (this.sessions.has(call.channelId)) return;
    if (!this.accepting) {
      void this.control.handBack(call.channelId).catch(ignoreChannelGone(this.log, 'handing a new call back while draining', { channelId: call.channelId }));
      return;
    }
    this.track(call.channelId, this.runNew(call, at));
  }

  /**
   * Drives `prepare`'s work on a call that entered the app for it. Events that come while
   * `prepare` reads what it needs wait for the session; when the node steps down the work stops
   * without a command to Asterisk (the active node picks the call up again).
   */
  follow(call: CallInfo, prepare: () => Promise<FollowedCall | null>): void {
    const local = this.sessions.get(call.channelId);
    if (local) {
      // Our own, still running (the ARI link came back): events in the gap are lost, so repeat the prompt.
      local.resyncRequested = true;
      local.interrupt();
      return;
    }
    if (this.early.has(call.channelId)) return;
    this.track(call.channelId, this.runFollowed(call, prepare));
  }

  private async runFollowed(call: CallInfo, prepare: () => Promise<FollowedCall | null>): Promise<void> {
    const work = await prepare();
    if (!work) return;
    const session = new CallSession(work.callId, call.channelId, work.startedAt);
    const { ctx, close } = this.open(session, work.maxMs, 'followed call reached its time limit');
    try {
      await work.run(ctx, (type, detail) => this.calls.addEvent(session.callId, type, detail));
    } catch (err) {
      if (err instanceof CallEnded || err instanceof FencedError) return;
      throw err;
    } finally {
      close('work finished');
    }
  }

  /**
   * A call's session while this node drives it: events that came early are delivered, a reaper
   * hangs up after `maxMs`; `close` ends the session and takes it off the table (once per call).
   */
  private open(session: CallSession, maxMs: number, limitReached: string, resumed?: { path: PathEntry[]; digits: string }): { ctx: CallContext; log: Logger; close: (why: string) => void } {
    this.sessions.set(session.channelId, session);
    for (const e of this.early.get(session.channelId)?.splice(0) ?? []) session.deliver(e);
    const log = this.log.child({ callId: session.callId });
    const ctx = new CallContext(session, this.control, this.calls, log, resumed, this.hooks);
    const reaper = setTimeout(() => {
      log.warn(`${limitReached}; hanging up`);
      void ctx.hangup().catch(ignoreChannelGone(log, `hanging up: ${limitReached}`));
    }, Math.max(0, maxMs));
    const close = (why: string): void => {
      clearTimeout(reaper);
      session.end(why);
      if (this.sessions.get(session.channelId) === session) this.sessions.delete(session.channelId);
    };
    return { ctx, log, close };
  }

  /** Every call's work ends here: a failure nobody caught is logged, never an unhandled rejection. */
  private track(channelId: string, work: Promise<void>): void {
    this.early.set(channelId, []);
    const p = work
      .catch(logFailure(this.log, 'handling the call', { level: 'error', context: { channelId } }))
      .finally(() => this.early.delete(channelId));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async runNew(call: CallInfo, at: Date): Promise<void> {
    let record;
    let flow: CallFlow | null;
    try {
      flow = await this.flows.forNewCall(call);
      record = await this.calls.start(call, flow?.name ?? 'none', flow?.versionId ?? null, at);
    } catch (err) {
      if (!(await this.confirmActive())) {
        this.log.warn({ channelId: call.channelId, err: (err as Error).message }, 'could not start the call and this node lost the lease: call left to the active node');
        return;
      }
      this.log.error({ channelId: call.channelId, err: (err as Error).message }, 'could not start the call; handing it to the dialplan fallback');
      await this.control.handBack(call.channelId).catch(ignoreChannelGone(this.log, 'handing the call back', { channelId: call.channelId }));
      return;
    }
    const session = new CallSession(record.id, call.channelId, record.startedAt);
    await this.drive(session, flow, call.answered);
  }

  /**
   * A call already in the app when we (re)connected, with no session here. If its record
   * cannot be read or rebuilt (database down, a corrupt row), the call goes to the dialplan
   * fallback and its record, if any, is closed as handed back.
   */
  private async resume(call: CallInfo): Promise<void> {
    let record: CallRecord | null = null;
    let path: PathEntry[];
    try {
      record = await this.calls.findOpenByChannel(call.channelId);
      if (record) {
        await this.calls.adopt(record.id);
        path = JSON.parse(record.ivrPath) as PathEntry[];
        if (!Array.isArray(path)) throw new Error('its IVR path is not a list');
      }
    } catch (err) {
      const ids = { channelId: call.channelId, callId: record?.id };
      if (!(await this.confirmActive())) {
        this.log.warn({ ...ids, err: (err as Error).message }, 'cannot resume the call and this node lost the lease: call left to the active node');
        return;
      }
      this.log.error({ ...ids, err: (err as Error).message }, 'cannot resume the call; handing it to the dialplan fallback');
      await this.control.handBack(call.channelId).catch(ignoreChannelGone(this.log, 'handing the call back', ids));
      if (record) {
        await this.calls.finish(record, 'handed_back', 'resume failed', new Date()).catch(logFailure(this.log, 'closing the call record', { level: 'error', context: ids }));
        this.onOutcome('handed_back');
      }
      return;
    }
    if (!record) {
      // Entered while nobody listened (or its record is lost): start it as a new call.
      await this.runNew(call, new Date());
      return;
    }
    const callId = record.id;
    this.log.info({ callId, step: record.currentStep }, 'resuming call from its persisted step');
    const session = new CallSession(callId, call.channelId, record.startedAt);
    const flow = await this.flows.forResumedCall(record).catch((err: Error) => {
      this.log.error({ callId, err: err.message }, 'cannot rebuild the call state');
      return null;
    });
    await this.drive(session, flow, call.answered, { path: path!, digits: record.digits });
  }

  private async drive(session: CallSession, flow: CallFlow | null, answered: boolean, resumed?: { path: PathEntry[]; digits: string }): Promise<void> {
    const maxAge = this.opts.maxCallSeconds * 1000 - (Date.now() - session.startedAt.getTime());
    const { ctx, log, close } = this.open(session, maxAge, 'call reached the maximum call time', resumed);
    let outcome: CallOutcome = 'completed';
    let cause: string | null = null;
    try {
      if (!flow) throw new Error('no published flow for this call');
      await flow.run(ctx, answered);
      cause = session.ended?.reason ?? 'hung up by Hotline';
      if (session.ended?.handedTo) outcome = session.ended.handedTo === 'fallback' ? 'handed_back' : 'handed_off';
    } catch (err) {
      if (session.ended?.handedTo === 'another node' || err instanceof FencedError) {
        // This node stepped down: the active node resumes the call from its record.
        log.info('call left to the active node');
        return;
      }
      if (err instanceof CallEnded) {
        outcome = err.handedTo === 'fallback' ? 'handed_back' : err.handedTo === 'destination' ? 'handed_off' : 'caller_hangup';
        cause = err.reason;
        if (!err.handedTo) log.info({ cause }, 'caller hung up');
      } else if (!(await this.confirmActive())) {
        log.warn({ err: (err as Error).message, step: ctx.state.path.at(-1)?.step }, 'call flow failed and this node lost the lease: call left to the active node');
        return;
      } else {
        log.error({ err: (err as Error).message, step: ctx.state.path.at(-1)?.step }, 'call flow failed; handing the call to the dialplan fallback');
        outcome = 'handed_back';
        cause = 'flow error';
        await ctx.handBack().catch(ignoreChannelGone(log, 'handing the call back after a flow error'));
      }
    } finally {
      close('flow finished');
    }
    try {
      await this.calls.finish({ id: session.callId, startedAt: session.startedAt }, outcome, cause, new Date());
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not finish the call record');
    }
    this.onOutcome(outcome);
  }

  /**
   * Fencing or a planned handover: stop driving every call at once, without a command to
   * Asterisk and without finishing their records; the active node resumes them.
   */
  detach(): void {
    for (const session of this.sessions.values()) session.end('left to the active node', 'another node');
    this.sessions.clear();
  }

  /**
   * Graceful shutdown: take no new calls (they go to the dialplan fallback), let calls in
   * progress finish for up to `graceMs`, then hand the rest back to the dialplan.
   */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const deadline = Date.now() + graceMs;
    while (this.sessions.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const session of this.sessions.values()) {
      this.log.info({ callId: session.callId }, 'shutting down: handing call back to the dialplan');
      session.expectLeave('handed back at shutdown', 'fallback');
      await this.control.handBack(session.channelId).catch(ignoreChannelGone(this.log, 'handing the call back at shutdown', { callId: session.callId }));
      session.end('handed back at shutdown', 'fallback');
    }
    await Promise.allSettled([...this.running]);
  }
}
