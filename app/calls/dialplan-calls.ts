// Calls the dialplan runs for Hotline (flows compiled into it, app/ivr/flow-dialplan.ts): their
// call records, written from the AMI events such a call raises. The record is the state: a node
// that takes over finds it by its channel; the few ids kept here only save that lookup. Events are
// handled one after another per channel, in the order Asterisk sent them. Only the active node
// writes; a call whose end no node heard is ended by the orphan sweep once its channel is gone.
import type { Logger } from '../logger.js';
import { logFailure } from '../log-failure.js';
import type { DialplanCallEvent } from '../pbx/dialplan-control.js';
import type { CallOutcome } from './calls.entities.js';
import type { CallsService, PathEntry } from './calls.service.js';

/** The flow a compiled call runs, from the version id its first event names. */
export interface CompiledFlowLookup {
  compiledFlow(versionId: string): Promise<{ flowName: string; versionId: string } | null>;
}

interface OpenCall {
  id: string;
  startedAt: Date;
  path: PathEntry[];
  done: boolean;
}

/** At most this many calls' ids are kept; past it the oldest are forgotten (their records are read again). */
const MAX_KEPT = 20_000;

export class DialplanCalls {
  private readonly open = new Map<string, OpenCall>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly calls: Pick<CallsService, 'startInDialplan' | 'step' | 'finish' | 'finishIfOpen' | 'findOpenByChannel'>,
    private readonly flows: CompiledFlowLookup,
    private readonly isActive: () => boolean,
    private readonly log: Logger,
    private readonly onOutcome: (outcome: CallOutcome) => void = () => {},
  ) {}

  /** Calls running a compiled flow that this node knows of (the /health and metrics count). */
  get inProgress(): number {
    let n = 0;
    for (const c of this.open.values()) if (!c.done) n++;
    return n;
  }

  onEvent(e: DialplanCallEvent): void {
    if (!this.isActive() || !e.channelId) return;
    const next = (this.chains.get(e.channelId) ?? Promise.resolve())
      .then(() => this.handle(e))
      .catch(logFailure(this.log, `recording a dialplan call's ${e.kind}`, { level: 'error', context: { channelId: e.channelId } }));
    this.chains.set(e.channelId, next);
    void next.finally(() => {
      if (this.chains.get(e.channelId) === next) this.chains.delete(e.channelId);
    });
  }

  /** Resolves once every event received so far is written (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async handle(e: DialplanCallEvent): Promise<void> {
    if (e.kind === 'started') {
      const flow = await this.flows.compiledFlow(e.versionId);
      if (!flow) this.log.warn({ channelId: e.channelId, versionId: e.versionId }, 'a compiled flow names a version Hotline does not know; the call is recorded without its flow');
      const r = await this.calls.startInDialplan(e, flow?.flowName ?? 'unknown', flow?.versionId ?? null, e.node || '?', e.at);
      if (this.open.size >= MAX_KEPT) this.open.delete(this.open.keys().next().value!);
      this.open.set(e.channelId, { ...r, done: false });
      return;
    }
    const call = await this.callOf(e.channelId);
    if (!call) return; // started while no node was active: no record to write to
    if (e.kind === 'step') {
      call.path.push({ step: e.node.slice(0, 64), at: e.at.toISOString() });
      await this.calls.step(call.id, call.path, e.node);
    } else if (e.kind === 'done') {
      call.done = true;
      await this.calls.finish(call, 'completed', null, e.at);
      this.onOutcome('completed');
    } else {
      this.open.delete(e.channelId);
      if (call.done) return;
      if (await this.calls.finishIfOpen(call, 'caller_hangup', e.cause || 'hung up', e.at)) this.onOutcome('caller_hangup');
    }
  }

  private async callOf(channelId: string): Promise<OpenCall | null> {
    const known = this.open.get(channelId);
    if (known) return known;
    const r = await this.calls.findOpenByChannel(channelId);
    if (!r) return null;
    const call: OpenCall = { id: r.id, startedAt: r.startedAt, path: JSON.parse(r.ivrPath || '[]') as PathEntry[], done: false };
    this.open.set(channelId, call);
    return call;
  }
}
