// Queue calls as Asterisk reports them (QueueCallerJoin/Leave/Abandon, AgentConnect/Complete),
// one row per caller per queue: the source of live "waiting / longest wait" and of today's
// answered / abandoned / service level. Updates are conditional so that events arriving out
// of order still leave the right outcome (an AgentConnect after the QueueCallerLeave of the
// same caller still makes the call answered).
import { randomUUID } from 'node:crypto';
import { In, IsNull, Like, MoreThanOrEqual, Not, type DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { QueueEvent, QueueStatusSnapshot } from '../pbx/ports.js';
import { AcdQueueCall } from './acd.entities.js';
import type { LiveHub } from './acd.live.js';

/** Callback placeholders wait in queues as callers; their Uniqueids start with this. */
const PLACEHOLDER = 'hotline-cb-%';

export interface QueueTotals {
  answered: number;
  abandoned: number;
  /** Left the queue still connected: timeout, overflow, nobody logged in. */
  left: number;
  /** Left the queue by asking for a callback (the callback keeps their place). */
  leftForCallback: number;
  answeredWithinServiceLevel: number;
  /** answered within the threshold / (answered + abandoned), or null with no calls. */
  serviceLevel: number | null;
  averageHoldSeconds: number | null;
}

export class QueueCallLog {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly live: LiveHub,
    private readonly log: Logger,
    private readonly agentIdOf: (iface: string) => Promise<string | null>,
    /** Which PBX the events come from: 'hotline' (its own Asterisk) or an attached PBX's name. */
    readonly source = 'hotline',
  ) {}

  onEvent(e: QueueEvent): void {
    this.chain = this.chain
      .then(() => this.apply(e))
      .catch((err: Error) => this.log.error({ err: err.message, kind: e.kind }, 'queue call log update failed'));
  }

  /** Resolves when every event so far is written (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }

  private async apply(e: QueueEvent): Promise<void> {
    const repo = this.db.getRepository(AcdQueueCall);
    const at = e.at;
    const source = this.source;
    if (e.kind === 'caller-join') {
      const exists = await repo.findOne({ where: { source, uniqueid: e.uniqueid, queue: e.queue } });
      if (!exists) {
        await repo.insert({ id: randomUUID(), source, queue: e.queue, uniqueid: e.uniqueid, callerNumber: e.callerNumber.slice(0, 64), joinedAt: at, answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, agentInterface: '', holdSeconds: null, talkSeconds: null });
      }
      this.live.publish({ type: 'queue.caller', queue: e.queue, uniqueid: e.uniqueid, callerNumber: e.callerNumber, event: 'joined', at: at.toISOString(), ...this.pbxField() });
      return;
    }
    if (e.kind === 'caller-leave') {
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, leftAt: IsNull() }, { leftAt: at });
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, outcome: 'waiting' }, { outcome: 'left', endedAt: at });
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, outcome: 'callback', endedAt: IsNull() }, { endedAt: at });
      this.publish(e.queue, e.uniqueid, 'left', at);
      return;
    }
    if (e.kind === 'caller-abandon') {
      // Asterisk also reports a queue timeout as an abandon; the dialplan's HotlineQueueResult
      // (caller-exit) tells the two apart and wins whichever comes first.
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, answeredAt: IsNull(), outcome: In(['waiting', 'left']) }, { outcome: 'abandoned', holdSeconds: e.holdSeconds, leftAt: at, endedAt: at });
      this.publish(e.queue, e.uniqueid, 'abandoned', at);
      return;
    }
    if (e.kind === 'caller-exit') {
      if (e.status === 'CONTINUE') return; // answered and the agent hung up first
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, answeredAt: IsNull() }, { outcome: 'timeout', endedAt: at });
      this.publish(e.queue, e.uniqueid, 'left', at);
      return;
    }
    if (e.kind !== 'member' || !e.callerUniqueid) return;
    if (e.cause === 'connect') {
      const agentId = await this.agentIdOf(e.member.interface);
      await repo.update({ source, uniqueid: e.callerUniqueid, queue: e.member.queue }, { outcome: 'answered', answeredAt: at, endedAt: null, agentId, agentInterface: e.member.interface, holdSeconds: e.holdSeconds ?? null });
      this.publish(e.member.queue, e.callerUniqueid, 'answered', at, agentId);
    } else if (e.cause === 'complete') {
      await repo.update({ source, uniqueid: e.callerUniqueid, queue: e.member.queue }, { outcome: 'answered', endedAt: at, talkSeconds: e.talkSeconds ?? null });
      this.publish(e.member.queue, e.callerUniqueid, 'completed', at);
    }
  }

  private publish(queue: string, uniqueid: string, event: 'left' | 'abandoned' | 'answered' | 'completed', at: Date, agentId?: string | null): void {
    this.live.publish({ type: 'queue.caller', queue, uniqueid, callerNumber: '', event, at: at.toISOString(), ...(agentId !== undefined ? { agentId } : {}), ...this.pbxField() });
  }

  /** The caller asked for a callback from this queue (whichever of this and their leave comes first). */
  async markCallback(uniqueid: string, queue: string): Promise<void> {
    await this.db.getRepository(AcdQueueCall).update({ source: this.source, uniqueid, queue, answeredAt: IsNull() }, { outcome: 'callback' });
  }

  /** Events of an attached PBX name it; Hotline's own carry no `pbx` (as before). */
  private pbxField(): { pbx?: string } {
    return this.source === 'hotline' ? {} : { pbx: this.source };
  }

  /**
   * Callers the log still has waiting but Asterisk no longer lists: they left while events were lost.
   * `takenAt`: when the QueueStatus was asked for; callers who joined after it are not judged by it.
   */
  async reconcile(status: QueueStatusSnapshot, now = new Date(), takenAt?: Date): Promise<number> {
    const waiting = await this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, outcome: 'waiting' } });
    const present = new Set(status.entries.map((e) => `${e.queue}\u0000${e.uniqueid}`));
    let n = 0;
    for (const w of waiting) {
      if (present.has(`${w.queue}\u0000${w.uniqueid}`)) continue;
      if (takenAt && w.joinedAt.getTime() >= takenAt.getTime()) continue;
      await this.db.getRepository(AcdQueueCall).update({ id: w.id, outcome: 'waiting' }, { outcome: 'left', leftAt: w.leftAt ?? now, endedAt: now });
      n++;
    }
    return n;
  }

  /** Callers Asterisk lists as waiting that the log never saw join (they joined while events were lost). */
  /** Runs in event order with the events (so a join written meanwhile is not written twice). */
  async adoptWaiting(status: QueueStatusSnapshot, takenAt: Date): Promise<number> {
    let n = 0;
    const run = this.chain.then(async () => {
      const repo = this.db.getRepository(AcdQueueCall);
      for (const e of status.entries) {
        if (await repo.exists({ where: { source: this.source, uniqueid: e.uniqueid, queue: e.queue } })) continue;
        const joinedAt = new Date(takenAt.getTime() - e.waitSeconds * 1000);
        await repo.insert({ id: randomUUID(), source: this.source, queue: e.queue, uniqueid: e.uniqueid, callerNumber: e.callerNumber.slice(0, 64), joinedAt, answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, agentInterface: '', holdSeconds: null, talkSeconds: null });
        n++;
      }
    });
    this.chain = run.catch((err: Error) => this.log.error({ err: err.message }, 'adopting waiting callers failed'));
    await run;
    return n;
  }

  async waiting(queue: string, now = new Date()): Promise<{ count: number; longestWaitSeconds: number }> {
    const rows = await this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, queue, outcome: 'waiting', uniqueid: Not(Like(PLACEHOLDER)) }, select: { joinedAt: true } });
    const oldest = rows.reduce((min, r) => Math.min(min, r.joinedAt.getTime()), now.getTime());
    return { count: rows.length, longestWaitSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) };
  }

  async totalsSince(queue: string, since: Date, serviceLevelSeconds: number): Promise<QueueTotals> {
    // Placeholders are not callers: their callbacks are counted apart (CallbackService.stats).
    const rows = await this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, queue, joinedAt: MoreThanOrEqual(since), uniqueid: Not(Like(PLACEHOLDER)) }, select: { outcome: true, holdSeconds: true } });
    const answered = rows.filter((r) => r.outcome === 'answered');
    const abandoned = rows.filter((r) => r.outcome === 'abandoned').length;
    const within = answered.filter((r) => (r.holdSeconds ?? 0) <= serviceLevelSeconds).length;
    const holds = answered.map((r) => r.holdSeconds ?? 0);
    return {
      answered: answered.length,
      abandoned,
      left: rows.filter((r) => r.outcome === 'left' || r.outcome === 'timeout').length,
      leftForCallback: rows.filter((r) => r.outcome === 'callback').length,
      answeredWithinServiceLevel: within,
      serviceLevel: answered.length + abandoned ? Math.round((within / (answered.length + abandoned)) * 1000) / 1000 : null,
      averageHoldSeconds: holds.length ? Math.round((holds.reduce((s, h) => s + h, 0) / holds.length) * 10) / 10 : null,
    };
  }

  /** Average talk time of the queue's last 50 answered calls (null: none yet). */
  async averageTalkSeconds(queue: string): Promise<number | null> {
    const rows = await this.db.getRepository(AcdQueueCall).find({ where: { queue, outcome: 'answered', talkSeconds: Not(IsNull()) }, order: { joinedAt: 'DESC' }, take: 50, select: { talkSeconds: true } });
    return rows.length ? rows.reduce((s, r) => s + (r.talkSeconds ?? 0), 0) / rows.length : null;
  }

  /** The order in which callers of a queue were answered (reports, tests). */
  async answeredOrder(queue: string, since: Date): Promise<Array<{ callerNumber: string; uniqueid: string; answeredAt: Date; agentId: string | null }>> {
    const rows = await this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, queue, joinedAt: MoreThanOrEqual(since) }, order: { answeredAt: 'ASC' } });
    return rows.filter((r) => r.answeredAt).map((r) => ({ callerNumber: r.callerNumber, uniqueid: r.uniqueid, answeredAt: r.answeredAt!, agentId: r.agentId }));
  }
}
