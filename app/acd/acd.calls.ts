// Queue calls as Asterisk reports them (QueueCallerJoin/Leave/Abandon, AgentConnect/Complete),
// one row per caller per queue: the source of live "waiting / longest wait" and of today's
// answered / abandoned / service level. Updates are conditional so that events arriving out
// of order still leave the right outcome (an AgentConnect after the QueueCallerLeave of the
// same caller still makes the call answered).
import { randomUUID } from 'node:crypto';
import { In, IsNull, Like, MoreThan, MoreThanOrEqual, Not, type DataSource } from 'typeorm';
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

/** How many hung-up channels QueueCallLog remembers (for an AgentConnect that arrives after its caller's Hangup). */
const GONE_REMEMBERED = 5000;
/** Queue callers remembered until their hangup; past it (hangups lost with the AMI link) the log starts over. */
const QUEUED_REMEMBERED = 100_000;
/** An attached PBX's caller who hangs up within this long of QueueCallerAbandon abandoned; later, the queue timed them out. */
const ABANDON_HANGUP_MS = 1500;
/** Channels created up to this long after the log began listening are still looked up (Asterisk's clock may run ahead of ours). */
const CLOCK_MARGIN_S = 10;
/** apply()'s answer for the hangup of a channel with no queue leg: nothing was written. */
const NO_LEGS = Symbol('no queue legs');
/** AgentComplete's TalkTime and Hotline's clock are whole seconds apart from each other at most this much. */
const COMPLETE_SLACK_MS = 2000;
/** A wrap-up follows the call that ended at most this long before or after it began (event order, clocks). */
const WRAPUP_SLACK_MS = 5000;

/** When Asterisk created a channel, from its Uniqueid (`[system-]<epoch>.<n>`), in epoch seconds; -Infinity if unreadable (then it is always looked up). */
function createdAt(uniqueid: string): number {
  const m = /(\d+)\.\d+$/.exec(uniqueid);
  return m ? Number(m[1]) : Number.NEGATIVE_INFINITY;
}

/** The calls module's call records, as the ACD reports an agent's part in them. */
export interface AgentCallRecords {
  agentAnswered(channelId: string, a: { agentId: string | null; agentInterface: string; agentName: string | null; queue: string; holdSeconds: number | null; at: Date }): Promise<string | null>;
  agentCompleted(channelId: string, talkSeconds: number | null, at: Date): Promise<void>;
  byChannel(channelId: string): Promise<{ id: string; channelId: string; agentId: string | null } | null>;
  brief(id: string): Promise<{ id: string; channelId: string; agentId: string | null } | null>;
  setDisposition(id: string, d: { agentId: string; code: string; note: string }): Promise<void>;
}

/** An agent answered a queue caller (Hotline's own PBX): what recording needs to start. */
export interface AnsweredQueueCall {
  uniqueid: string;
  /** The caller's channel name (MixMonitor runs on it); empty when the event did not carry it. */
  channel: string;
  queue: string;
  agentId: string | null;
  callerNumber: string;
  /** Hotline's call record of the caller's channel, when it has one. */
  callId: string | null;
  at: Date;
}

export class QueueCallLog {
  /** Told (in event order, not awaited) after an agent answered a caller. */
  readonly answerListeners: Array<(a: AnsweredQueueCall) => void> = [];
  /** Told after a queue call ended: answered and completed, or its caller hung up (answered or not). */
  readonly endListeners: Array<(uniqueid: string, at: Date) => void> = [];
  private chain: Promise<void> = Promise.resolve();
  /** Hotline's own call records (set once the calls module exists); attached PBXs build theirs elsewhere. */
  records: AgentCallRecords | undefined;
  /** Told, in event order, after a caller's queue legs changed (the reports write their facts then). */
  onLegsChanged: ((uniqueid: string) => void) | undefined;
  /** Channels that hung up lately, and when: AMI does not order queue events against channel events. */
  private readonly gone = new Map<string, Date>();
  /**
   * Channels that joined a queue since this log listens (`listeningSince`, epoch seconds). A
   * channel created after that which never joined one has no queue row to end at its hangup, so
   * its Hangup costs no query (most calls never reach a queue); older channels are looked up.
   */
  private readonly queued = new Set<string>();
  private listeningSince: number | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly live: LiveHub,
    private readonly log: Logger,
    private readonly agentIdOf: (iface: string) => Promise<string | null>,
    /** Which PBX the events come from: 'hotline' (its own Asterisk) or an attached PBX's name. */
    readonly source = 'hotline',
  ) {}

  onEvent(e: QueueEvent): void {
    this.listeningSince ??= Date.now() / 1000;
    if (e.kind === 'caller-join') {
      if (this.queued.size >= QUEUED_REMEMBERED) this.stopListening(); // lost hangups: look every older channel up
      this.listeningSince ??= Date.now() / 1000;
      this.queued.add(e.uniqueid);
    }
    if (e.kind === 'channel-gone' && !this.queued.delete(e.uniqueid) && this.createdSinceListening(e.uniqueid)) return;
    // Music on hold of a channel that never queued (IVR, parked, direct calls) concerns no queue call.
    if (e.kind === 'caller-hold' && !this.queued.has(e.uniqueid) && this.createdSinceListening(e.uniqueid)) return;
    this.chain = this.chain
      .then(() => this.apply(e))
      .catch((err: Error) => {
        this.log.error({ err: err.message, kind: e.kind }, 'queue call log update failed');
        return undefined;
      })
      // Told even when the update failed part-way: what it did write (a leg's talk time, say,
      // before the call record's update failed) reaches the reports, which re-read the legs.
      .then((found) => {
        if (found === NO_LEGS) return;
        const uniqueid = e.kind === 'member' ? (e.callerUniqueid ?? found) : e.kind === 'callback' ? undefined : e.uniqueid;
        if (uniqueid && this.onLegsChanged) this.onLegsChanged(uniqueid);
      });
  }

  /** A channel created since this log listens: had it joined a queue, `queued` would hold it. */
  private createdSinceListening(uniqueid: string): boolean {
    return createdAt(uniqueid) > (this.listeningSince ?? Infinity) + CLOCK_MARGIN_S;
  }

  /** An attached PBX (no dialplan of Hotline's tells a timeout from an abandon there). */
  private get attached(): boolean {
    return this.source !== 'hotline';
  }

  /**
   * The legs of a queue since `since` as the reports' definitions see them: a leg that timed out
   * and went on to another queue overflowed; waits in whole seconds as Asterisk counts them.
   */
  async factsSince(queue: string, since: Date): Promise<Array<{ outcome: 'answered' | 'abandoned' | 'callback' | 'overflowed' | 'timeout' | 'waiting'; waitSeconds: number; talkSeconds: number }>> {
    const repo = this.db.getRepository(AcdQueueCall);
    const rows = await repo.find({ where: { source: this.source, queue, joinedAt: MoreThanOrEqual(since), uniqueid: Not(Like(PLACEHOLDER)) } });
    const left = rows.filter((r) => r.outcome === 'timeout' || r.outcome === 'left');
    const later = left.length ? await repo.find({ where: { source: this.source, uniqueid: In(left.map((r) => r.uniqueid)), queue: Not(queue) }, select: { uniqueid: true, joinedAt: true } }) : [];
    const secs = (a: Date | null, b: Date) => (a ? Math.max(0, Math.round((a.getTime() - b.getTime()) / 1000)) : 0);
    return rows.map((r) => {
      const wait = r.holdSeconds ?? secs(r.leftAt ?? r.answeredAt, r.joinedAt);
      if (r.outcome === 'timeout' || r.outcome === 'left') {
        const overflowed = later.some((n) => n.uniqueid === r.uniqueid && n.joinedAt.getTime() >= r.joinedAt.getTime());
        return { outcome: overflowed ? 'overflowed' : 'timeout', waitSeconds: wait, talkSeconds: 0 };
      }
      if (r.outcome === 'answered') return { outcome: 'answered', waitSeconds: wait, talkSeconds: r.talkSeconds ?? 0 };
      if (r.outcome === 'abandoned' || r.outcome === 'callback' || r.outcome === 'waiting') return { outcome: r.outcome, waitSeconds: wait, talkSeconds: 0 };
      return { outcome: 'timeout', waitSeconds: wait, talkSeconds: 0 };
    });
  }

  /** Events stop coming (this node stands by): at the next event, every channel older than it is looked up again. */
  stopListening(): void {
    this.listeningSince = undefined;
    this.queued.clear();
  }

  /** Resolves when every event so far is written (tests, shutdown). */
  flushed(): Promise<void> {
    return this.chain;
  }

  /**
   * Writes one event; returns the caller's Uniqueid when the event did not carry it but named the
   * call otherwise, or NO_LEGS for the hangup of a channel that has no queue leg (nothing written).
   */
  private async apply(e: QueueEvent): Promise<string | typeof NO_LEGS | undefined> {
    const repo = this.db.getRepository(AcdQueueCall);
    const at = e.at;
    const source = this.source;
    if (e.kind === 'caller-join') {
      const exists = await repo.findOne({ where: { source, uniqueid: e.uniqueid, queue: e.queue } });
      if (!exists) {
        await repo.insert({ id: randomUUID(), source, queue: e.queue, uniqueid: e.uniqueid, callerNumber: e.callerNumber.slice(0, 64), joinedAt: at, answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, agentInterface: '', holdSeconds: null, talkSeconds: null, disposition: '', joinPosition: e.position > 0 ? e.position : null });
      }
      // An attached PBX's caller who "abandoned" another queue and now joins this one was still
      // connected: that queue let them go (its Queue() timeout, EXITWITHTIMEOUT), not they it.
      if (this.attached) await repo.update({ source, uniqueid: e.uniqueid, queue: Not(e.queue), outcome: 'abandoned' }, { outcome: 'timeout' });
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
      // Its Position is the caller's place as they hung up (1: next to be answered).
      const abandonPosition = e.position && e.position > 0 ? e.position : null;
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, answeredAt: IsNull(), outcome: In(['waiting', 'left']) }, { outcome: 'abandoned', holdSeconds: e.holdSeconds, leftAt: at, endedAt: at, abandonPosition });
      // A caller whose join was not seen (adopted at a reconnect): OriginalPosition is where they joined.
      if (e.originalPosition && e.originalPosition > 0) await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, outcome: 'abandoned', joinPosition: IsNull() }, { joinPosition: e.originalPosition });
      this.publish(e.queue, e.uniqueid, 'abandoned', at);
      return;
    }
    if (e.kind === 'caller-hold') {
      // The queue's own music while the caller waits is not a hold: only after the answer.
      if (e.held) await repo.update({ source, uniqueid: e.uniqueid, answeredAt: Not(IsNull()), endedAt: IsNull(), holdStartedAt: IsNull() }, { holdStartedAt: at });
      else await this.endHold(e.uniqueid, at);
      return;
    }
    if (e.kind === 'caller-exit') {
      if (e.status === 'CONTINUE') return; // answered and the agent hung up first
      await repo.update({ source, uniqueid: e.uniqueid, queue: e.queue, answeredAt: IsNull() }, { outcome: 'timeout', endedAt: at });
      this.publish(e.queue, e.uniqueid, 'left', at);
      return;
    }
    if (e.kind === 'channel-gone') {
      // When the caller's channel is gone before app_queue reports the end, AgentComplete comes
      // without the caller's fields, late, or (link lost) not at all: the caller's hangup ends the call.
      this.gone.set(e.uniqueid, at);
      if (this.gone.size > GONE_REMEMBERED) this.gone.delete(this.gone.keys().next().value!);
      // Most channels never queued: one lookup and nothing else (no reports rollup either). At 300
      // calls/s in the first seconds after a start, three lookups and a rollup per hangup kept a
      // node on SQLite busy for 20 s (docs/benchmarks.md, 2026-12-05 third session).
      // A plain statement: the repository's query building alone cost more CPU than the lookup.
      const legs: unknown[] = await this.db.query(`SELECT 1 AS one FROM ${repo.metadata.tableName} WHERE source = ? AND uniqueid = ? LIMIT 1`, [source, e.uniqueid]);
      if (!legs.length) return NO_LEGS;
      // Asterisk reports a queue timeout as QueueCallerAbandon too. A caller who really gave up
      // hangs up as they leave the queue; one still connected well after "abandoning" was let go
      // by the queue (its Queue() timeout): a timeout, as the PBX's queue_log says.
      if (this.attached) {
        const tentative = await repo.find({ where: { source, uniqueid: e.uniqueid, outcome: 'abandoned' } });
        for (const r of tentative) if (r.leftAt && at.getTime() - r.leftAt.getTime() > ABANDON_HANGUP_MS) await repo.update({ id: r.id, outcome: 'abandoned' }, { outcome: 'timeout' });
      }
      await this.endHold(e.uniqueid, at);
      const open = await repo.find({ where: { source, uniqueid: e.uniqueid, answeredAt: Not(IsNull()), endedAt: IsNull() } });
      for (const r of open) {
        const talk = r.talkSeconds ?? Math.max(0, Math.round((at.getTime() - r.answeredAt!.getTime()) / 1000));
        await repo.update({ id: r.id, endedAt: IsNull() }, { endedAt: at, talkSeconds: talk });
        this.publish(r.queue, r.uniqueid, 'completed', at);
        await this.records?.agentCompleted(r.uniqueid, talk, at);
      }
      // Answered or not (a recording armed for a caller who hung up in the queue is discarded).
      this.tell(this.endListeners, e.uniqueid, at);
      return;
    }
    if (e.kind === 'member' && e.cause === 'complete' && !e.callerUniqueid) {
      // Completed as any AgentComplete, once the member named the call.
      const found = await this.callOfMember(e);
      if (found) await this.apply({ ...e, callerUniqueid: found });
      return found;
    }
    if (e.kind !== 'member' || !e.callerUniqueid) return;
    if (e.cause === 'connect') {
      const agentId = await this.agentIdOf(e.member.interface);
      // The caller's Hangup may come before this event: then the call ended as it was connected.
      const goneAt = this.gone.get(e.callerUniqueid);
      await repo.update({ source, uniqueid: e.callerUniqueid, queue: e.member.queue }, { outcome: 'answered', answeredAt: goneAt ?? at, endedAt: goneAt ?? null, ...(goneAt ? { talkSeconds: 0 } : {}), agentId, agentInterface: e.member.interface, holdSeconds: e.holdSeconds ?? null });
      this.publish(e.member.queue, e.callerUniqueid, 'answered', at, agentId);
      const callId = (await this.records?.agentAnswered(e.callerUniqueid, { agentId, agentInterface: e.member.interface, agentName: e.member.name || null, queue: e.member.queue, holdSeconds: e.holdSeconds ?? null, at })) ?? null;
      if (goneAt) await this.records?.agentCompleted(e.callerUniqueid, 0, goneAt);
      else if (this.source === 'hotline') {
        const row = await repo.findOne({ where: { source, uniqueid: e.callerUniqueid, queue: e.member.queue }, select: { callerNumber: true } });
        this.tell(this.answerListeners, { uniqueid: e.callerUniqueid, channel: e.callerChannel ?? '', queue: e.member.queue, agentId, callerNumber: row?.callerNumber || e.callerNumber || '', callId, at });
      }
    } else if (e.cause === 'complete') {
      await this.endHold(e.callerUniqueid, at);
      // AgentComplete carries the wait too: exact for a call adopted at a reconnect (answered unseen).
      await repo.update({ source, uniqueid: e.callerUniqueid, queue: e.member.queue }, { outcome: 'answered', endedAt: at, talkSeconds: e.talkSeconds ?? null, ...(e.holdSeconds !== undefined ? { holdSeconds: e.holdSeconds } : {}) });
      this.publish(e.member.queue, e.callerUniqueid, 'completed', at);
      await this.records?.agentCompleted(e.callerUniqueid, e.talkSeconds ?? null, at);
      this.tell(this.endListeners, e.callerUniqueid, at);
    }
  }

  /**
   * The agent's wrap-up (began → ended) followed its latest answered call: that call's wrap-up
   * time, written once; the reports rewrite the caller's facts (AHT = talk + hold + wrap-up).
   */
  wrapupEnded(agentId: string, began: Date, ended: Date): void {
    this.chain = this.chain
      .then(async () => {
        const repo = this.db.getRepository(AcdQueueCall);
        const row = await repo.findOne({ where: { source: this.source, agentId, answeredAt: Not(IsNull()) }, order: { answeredAt: 'DESC' } });
        // Only the call that ended as the wrap-up began (not one still open, nor an older one).
        if (!row?.endedAt || row.wrapupSeconds !== null || row.endedAt.getTime() > began.getTime() + WRAPUP_SLACK_MS || row.endedAt.getTime() < began.getTime() - WRAPUP_SLACK_MS) return;
        const secs = Math.max(0, Math.round((ended.getTime() - began.getTime()) / 1000));
        await repo.update({ id: row.id, wrapupSeconds: IsNull() }, { wrapupSeconds: secs });
        this.onLegsChanged?.(row.uniqueid);
      })
      .catch((err: Error) => this.log.error({ err: err.message }, 'queue call wrap-up update failed'));
  }

  /** Ends the caller's hold under way (music stopped, the call ended): its whole seconds add to the call's time on hold. */
  private async endHold(uniqueid: string, at: Date): Promise<void> {
    const repo = this.db.getRepository(AcdQueueCall);
    const held = await repo.find({ where: { source: this.source, uniqueid, holdStartedAt: Not(IsNull()) }, select: { id: true, holdStartedAt: true, onHoldSeconds: true } });
    for (const r of held) {
      const secs = Math.max(0, Math.round((at.getTime() - r.holdStartedAt!.getTime()) / 1000));
      // Conditional on the start read: a second end of the same hold (music stop, then the hangup) adds nothing.
      await repo.update({ id: r.id, holdStartedAt: r.holdStartedAt! }, { holdStartedAt: null, onHoldSeconds: r.onHoldSeconds + secs });
    }
  }

  /**
   * The call of an AgentComplete without the caller's fields: Asterisk leaves them out when the
   * caller's channel was already gone as app_queue reported the end (seen for 2 of 36 answered calls
   * in the reports test; about 1.5 % at 5.6 calls/s). The member still names the call: an agent takes
   * one queue call at a time, so it is the agent's latest answered call of that queue, if the talk
   * time fits in it. Its caller's Uniqueid, or undefined.
   */
  /** The caller (Uniqueid) of an AgentComplete that does not name one: see callOfMember. */
  callerOfCompletion(e: Extract<QueueEvent, { kind: 'member' }>): Promise<string | undefined> {
    return this.callOfMember(e);
  }

  private async callOfMember(e: Extract<QueueEvent, { kind: 'member' }>): Promise<string | undefined> {
    if (!e.member.interface || !e.member.queue) return undefined;
    const row = await this.db.getRepository(AcdQueueCall).findOne({ where: { source: this.source, queue: e.member.queue, agentInterface: e.member.interface, answeredAt: Not(IsNull()) }, order: { answeredAt: 'DESC' }, select: { uniqueid: true, answeredAt: true } });
    if (!row?.answeredAt) return undefined;
    // Not a call answered after this one ended (the talk time would not fit in it).
    if (e.talkSeconds !== undefined && row.answeredAt.getTime() > e.at.getTime() - e.talkSeconds * 1000 + COMPLETE_SLACK_MS) return undefined;
    return row.uniqueid;
  }

  private tell<A extends unknown[]>(listeners: Array<(...a: A) => void>, ...args: A): void {
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'a queue call listener failed');
      }
    }
  }

  private publish(queue: string, uniqueid: string, event: 'left' | 'abandoned' | 'answered' | 'completed', at: Date, agentId?: string | null): void {
    this.live.publish({ type: 'queue.caller', queue, uniqueid, callerNumber: '', event, at: at.toISOString(), ...(agentId !== undefined ? { agentId } : {}), ...this.pbxField() });
  }

  /** The agent's most recent answered queue call (wrap-up codes). */
  lastAnsweredBy(agentId: string): Promise<AcdQueueCall | null> {
    return this.db.getRepository(AcdQueueCall).findOne({ where: { source: this.source, agentId, answeredAt: Not(IsNull()) }, order: { answeredAt: 'DESC' } });
  }

  /** The agent's answered queue call of a caller's channel. */
  answeredByAgent(agentId: string, uniqueid: string): Promise<AcdQueueCall | null> {
    return this.db.getRepository(AcdQueueCall).findOne({ where: { source: this.source, agentId, uniqueid, answeredAt: Not(IsNull()) }, order: { answeredAt: 'DESC' } });
  }

  async setDisposition(id: string, code: string): Promise<void> {
    await this.db.getRepository(AcdQueueCall).update({ id }, { disposition: code });
    const row = await this.db.getRepository(AcdQueueCall).findOne({ where: { id }, select: { uniqueid: true } });
    if (row) this.onLegsChanged?.(row.uniqueid);
  }

  /** Every leg of one caller's channel (all queues), for the reports. */
  legsOf(uniqueid: string): Promise<AcdQueueCall[]> {
    return this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, uniqueid } });
  }

  /** The caller asked for a callback from this queue (whichever of this and their leave comes first). */
  async markCallback(uniqueid: string, queue: string): Promise<void> {
    await this.db.getRepository(AcdQueueCall).update({ source: this.source, uniqueid, queue, answeredAt: IsNull() }, { outcome: 'callback' });
    this.onLegsChanged?.(uniqueid);
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
        await repo.insert({ id: randomUUID(), source: this.source, queue: e.queue, uniqueid: e.uniqueid, callerNumber: e.callerNumber.slice(0, 64), joinedAt, answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, agentInterface: '', holdSeconds: null, talkSeconds: null, disposition: '' });
        n++;
      }
    });
    this.chain = run.catch((err: Error) => this.log.error({ err: err.message }, 'adopting waiting callers failed'));
    await run;
    return n;
  }

  /**
   * Queue calls an attached PBX answered while no event reached Hotline (seen at a reconnect in
   * CoreShowChannels: the caller still in Queue(), bridged to a member): counted as answered, with
   * the times the PBX gives (app/attach/pbx-times.ts); AgentComplete later makes the wait exact.
   * A caller last seen waiting keeps the join Hotline saw and is answered now.
   */
  async adoptAnswered(calls: Array<{ queue: string; uniqueid: string; callerNumber: string; joinedAt: Date; answeredAt: Date; agentInterface: string; holdSeconds: number }>): Promise<number> {
    let n = 0;
    const run = this.chain.then(async () => {
      const repo = this.db.getRepository(AcdQueueCall);
      for (const c of calls) {
        const leg = await repo.findOne({ where: { source: this.source, uniqueid: c.uniqueid, queue: c.queue } });
        if (leg && leg.outcome !== 'waiting') continue;
        const answered = { answeredAt: c.answeredAt, leftAt: c.answeredAt, outcome: 'answered' as const, agentInterface: c.agentInterface.slice(0, 80), holdSeconds: c.holdSeconds };
        if (leg) await repo.update({ id: leg.id, outcome: 'waiting' }, answered);
        else await repo.insert({ id: randomUUID(), source: this.source, queue: c.queue, uniqueid: c.uniqueid, callerNumber: c.callerNumber.slice(0, 64), joinedAt: c.joinedAt, endedAt: null, agentId: null, talkSeconds: null, disposition: '', ...answered });
        this.queued.add(c.uniqueid);
        n++;
      }
    });
    this.chain = run.catch((err: Error) => this.log.error({ err: err.message }, 'adopting answered queue calls failed'));
    await run;
    return n;
  }

  /** Whether any of these callers' legs is not yet recorded as answered (a reconcile then asks the PBX for times). */
  async anyNotAnswered(calls: Array<{ queue: string; uniqueid: string }>): Promise<boolean> {
    for (const c of calls) if (!(await this.db.getRepository(AcdQueueCall).exists({ where: { source: this.source, uniqueid: c.uniqueid, queue: c.queue, outcome: 'answered' } }))) return true;
    return false;
  }

  async waiting(queue: string, now = new Date()): Promise<{ count: number; longestWaitSeconds: number }> {
    const rows = await this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, queue, outcome: 'waiting', uniqueid: Not(Like(PLACEHOLDER)) }, select: { joinedAt: true } });
    const oldest = rows.reduce((min, r) => Math.min(min, r.joinedAt.getTime()), now.getTime());
    return { count: rows.length, longestWaitSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) };
  }

  /** The callers waiting in a queue now, longest-waiting first (callback placeholders are not callers). */
  async waitingCallers(queue: string): Promise<Array<{ uniqueid: string; callerNumber: string; joinedAt: Date }>> {
    return this.db.getRepository(AcdQueueCall).find({ where: { source: this.source, queue, outcome: 'waiting', uniqueid: Not(Like(PLACEHOLDER)) }, select: { uniqueid: true, callerNumber: true, joinedAt: true }, order: { joinedAt: 'ASC' }, take: 1000 });
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

/** The queue calls of every PBX, a page at a time in id order (the reports' rebuild). */
export function queueCallsPage(db: DataSource, afterId: string, limit: number): Promise<AcdQueueCall[]> {
  return db.getRepository(AcdQueueCall).find({ where: { id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
}

/** Every leg of one caller's channel on one PBX (the reports' rebuild classifies legs together). */
export function queueCallLegs(db: DataSource, source: string, uniqueids: string[]): Promise<AcdQueueCall[]> {
  return uniqueids.length ? db.getRepository(AcdQueueCall).find({ where: { source, uniqueid: In(uniqueids) } }) : Promise.resolve([]);
}
