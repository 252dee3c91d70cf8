// Call records of an attached PBX, written as its events arrive: one row per call (Linkedid)
// in the same call_records table as Hotline's own calls, with `source` = the PBX's name. The
// database row is the only state (a standby that takes over goes on from it); each event is a
// read-modify-write of its call's row, in arrival order, on the active node only.
import { randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import type { Logger } from '../logger.js';
import type { ChannelSnapshot } from '../pbx/ports.js';
import { CallRecord } from '../calls/calls.entities.js';
import { applyEvent, changedFields, endUnseen, linkedidOf, type AttachedCall, type AttachEvent } from './call-mapping.js';
import type { PbxTimes } from './pbx-times.js';

/** Channel state Up. */
const UP = 6;

const FIELDS: Array<keyof AttachedCall> = [
  'callerNumber', 'callerName', 'calledNumber', 'startedAt', 'answeredAt', 'endedAt', 'durationMs', 'outcome', 'hangupCause',
  'queue', 'agentInterface', 'agentName', 'holdSeconds', 'talkSeconds',
];

const toCall = (r: CallRecord): AttachedCall => Object.fromEntries(FIELDS.map((k) => [k, r[k]])) as unknown as AttachedCall;

export class AttachedCallLog {
  private readonly repo: Repository<CallRecord>;

  constructor(
    db: DataSource,
    /** The attached PBX's name. */
    readonly source: string,
    private readonly nodeName: string,
    private readonly log: Logger,
  ) {
    this.repo = db.getRepository(CallRecord);
  }

  /** The record's channel_id: unique across PBXes (two PBXes may hand out the same Uniqueid). */
  channelIdOf(linkedid: string): string {
    return `${this.source}:${linkedid}`;
  }

  /** Applies one event to its call's record (creating it if the event starts one). */
  /**
   * `priorWait(linkedid, queue)`: seconds the caller waited in other queues before this one (an
   * overflowed caller's first queue), added to the wait the event reports for its queue.
   */
  async apply(
    e: AttachEvent,
    nameOfDevice: (device: string) => string | null = () => null,
    priorWait: (linkedid: string, queue: string) => Promise<number> = async () => 0,
    /** Whether any of the caller's queue legs ended as an abandon (a timeout reported as one is not). */
    abandonedInQueue: (linkedid: string) => Promise<boolean> = async () => true,
  ): Promise<void> {
    const linkedid = linkedidOf(e);
    if (!linkedid) return;
    const channelId = this.channelIdOf(linkedid);
    const row = await this.repo.findOne({ where: { channelId } });
    const prev = row ? toCall(row) : null;
    const next = applyEvent(prev, e);
    if (!next) return;
    // A member reached directly (Dial, not a queue) is still a known member: name them.
    if (next.agentInterface && !next.agentName) next.agentName = nameOfDevice(next.agentInterface)?.slice(0, 128) ?? null;
    if (next.holdSeconds !== null && next.holdSeconds !== prev?.holdSeconds && next.queue && (e.kind === 'member' || e.kind === 'caller-abandon')) {
      next.holdSeconds += await priorWait(linkedid, next.queue);
    }
    // Ended "abandoned", but the queue log found the caller still connected after leaving (a
    // timeout): the record follows the queue legs.
    if (next.endedAt && next.outcome === 'abandoned' && !(await abandonedInQueue(linkedid))) next.outcome = 'unanswered';
    if (!row) return this.insert(channelId, next);
    const patch = changedFields(prev!, next);
    if (Object.keys(patch).length) await this.repo.update({ id: row.id }, { ...patch, handledBy: this.nodeName });
  }

  private async insert(channelId: string, c: AttachedCall): Promise<void> {
    await this.repo.insert({
      id: randomUUID(), channelId, ...c, flow: '', digits: '', ivrPath: '[]', currentStep: null, flowVersionId: null, variables: null,
      handledBy: this.nodeName, source: this.source,
    });
  }

  /**
   * Whether a call in progress needs the PBX's times: a caller's channel with no record (it began
   * unseen) or up with a record that has no answer time (it was answered unseen).
   */
  async needsTimes(channels: Array<ChannelSnapshot & { durationSeconds: number }>): Promise<boolean> {
    for (const ch of channels) {
      if (ch.uniqueid !== ch.linkedid) continue;
      const r = await this.repo.findOne({ where: { channelId: this.channelIdOf(ch.linkedid) }, select: { id: true, answeredAt: true, endedAt: true } });
      if (!r || (ch.state === UP && !r.answeredAt && !r.endedAt)) return true;
    }
    return false;
  }

  /**
   * After a reconnect or a takeover: the PBX's channels now (CoreShowChannels, asked for at
   * `takenAt`). A call still open in the database with no channel left ended unseen; a call in
   * progress with no record (it began while nobody listened) gets one, and an open record of a
   * caller now up gets its answer time; both with the PBX's times (`times`, pbx-times.ts).
   */
  async reconcile(channels: Array<ChannelSnapshot & { durationSeconds: number }>, takenAt: Date, times: Map<string, PbxTimes> = new Map(), now = new Date()): Promise<{ closed: number; opened: number; answered: number }> {
    const live = new Map(channels.filter((c) => c.uniqueid === c.linkedid).map((c) => [c.linkedid, c]));
    const liveCalls = new Set(channels.map((c) => c.linkedid));
    const open = await this.repo.find({ where: { source: this.source, endedAt: IsNull() } });
    let closed = 0;
    let answered = 0;
    for (const r of open) {
      const linkedid = r.channelId.slice(this.source.length + 1);
      const caller = live.get(linkedid);
      // Answered while nobody listened: the PBX's answer time if it gives one, else the earliest it can be (the start).
      if (caller && caller.state === UP && !r.answeredAt) {
        const answeredAt = times.get(caller.uniqueid)?.answeredAt ?? r.startedAt;
        await this.repo.update({ id: r.id }, { answeredAt, handledBy: this.nodeName });
        answered++;
      }
      if (liveCalls.has(linkedid) || r.startedAt.getTime() >= takenAt.getTime()) continue;
      const prev = toCall(r);
      await this.repo.update({ id: r.id }, { ...changedFields(prev, endUnseen(prev, now)), handledBy: this.nodeName });
      closed++;
    }
    let opened = 0;
    for (const ch of channels) {
      if (ch.uniqueid !== ch.linkedid) continue;
      const channelId = this.channelIdOf(ch.linkedid);
      if (await this.repo.exists({ where: { channelId } })) continue;
      const t = times.get(ch.uniqueid) ?? { startedAt: new Date(takenAt.getTime() - ch.durationSeconds * 1000), answeredAt: null };
      const c = applyEvent(null, { kind: 'channel', cause: 'state', channel: ch, at: t.startedAt });
      if (!c) continue;
      // Up: answered at the PBX's answer time; without one (no CDR on the PBX) at the earliest it can be, its start.
      if (c.answeredAt) c.answeredAt = t.answeredAt ?? t.startedAt;
      await this.insert(channelId, c);
      opened++;
    }
    if (closed || opened || answered) this.log.info({ closed, opened, answered }, 'attached PBX: call records reconciled with CoreShowChannels');
    return { closed, opened, answered };
  }
}
