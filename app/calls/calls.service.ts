// Call records: created when a call enters Hotline, updated at every step, finished when
// it ends. The record is the persisted state a standby node resumes a call from.
import { randomUUID } from 'node:crypto';
import { IsNull, LessThan, type DataSource, type Repository } from 'typeorm';
import { AppError, NotFoundError } from '../errors.js';
import type { CallInfo } from '../pbx/ports.js';
import { CallEvent, CallRecord, type CallOutcome } from './calls.entities.js';
import { whereCallsMatch, type CallFilters } from './call-filters.js';
import { settled } from '../log-failure.js';
import { EventWriter } from './event-writer.js';

export interface PathEntry {
  step: string;
  at: string;
  digit?: string;
}

/** handledBy of a call the dialplan runs for Hotline (a flow compiled into it, app/ivr/flow-dialplan.ts). */
export const DIALPLAN_HANDLER = 'dialplan';

/** A page of GET /api/calls: the filters (call-filters.ts), newest first. */
export interface CallListQuery extends CallFilters {
  limit: number;
  offset: number;
}

/** `from` after `to`: the search cannot match anything and is refused (400 calls_range_inverted). */
export class CallRangeError extends AppError {
  constructor() {
    super(400, 'calls_range_inverted', 'invalid query: to: the range ends before it starts (from is after to)', [{ field: 'to', message: 'the range ends before it starts (from is after to)' }]);
  }
}

export class CallsService {
  private readonly records: Repository<CallRecord>;
  private readonly events: Repository<CallEvent>;
  private readonly writer: EventWriter;
  /** Answer times waiting for the record's next update, by call id. */
  private readonly unwrittenAnswers = new Map<string, Date>();
  /** Told the id of each record this node ended (after the write): must be cheap, must not throw. */
  private readonly endedListeners: Array<(id: string, at: Date) => void> = [];

  constructor(
    db: DataSource,
    private readonly nodeName: string,
    onWriteError: (err: Error, lost: number) => void = () => {},
  ) {
    this.records = db.getRepository(CallRecord);
    this.events = db.getRepository(CallEvent);
    this.writer = new EventWriter(db, onWriteError);
  }

  async start(call: CallInfo, flow: string, flowVersionId: string | null, at: Date): Promise<CallRecord> {
    const record = await this.insert(call, flow, flowVersionId, at, { handledBy: this.nodeName });
    this.addEvent(record.id, 'entered', { flow }, at);
    return record;
  }

  /**
   * A call the dialplan runs for Hotline (a compiled flow) entered its flow at `entry`, just
   * answered: one INSERT with the answer and the first step, as the Stasis path writes them.
   */
  async startInDialplan(call: Omit<CallInfo, 'answered'>, flow: string, flowVersionId: string | null, entry: string, at: Date): Promise<{ id: string; startedAt: Date; path: PathEntry[] }> {
    const path: PathEntry[] = [{ step: entry.slice(0, 64), at: at.toISOString() }];
    const record = await this.insert(call, flow, flowVersionId, at, { handledBy: DIALPLAN_HANDLER, answeredAt: at, ivrPath: JSON.stringify(path), currentStep: path[0]!.step });
    this.addEvent(record.id, 'entered', { flow, by: DIALPLAN_HANDLER }, at);
    this.addEvent(record.id, 'answered', undefined, at);
    this.addEvent(record.id, 'step', { step: path[0]!.step }, at);
    return { id: record.id, startedAt: at, path };
  }

  /** A new open record (no reload of the columns the database filled in: a SELECT per call saved). */
  private async insert(call: Omit<CallInfo, 'answered'>, flow: string, flowVersionId: string | null, at: Date, o: Partial<CallRecord> & { handledBy: string }): Promise<CallRecord> {
    const record = this.records.create({
      id: randomUUID(),
      channelId: call.channelId,
      callerNumber: call.callerNumber.slice(0, 64),
      callerName: call.callerName?.slice(0, 128) ?? null,
      calledNumber: call.calledNumber.slice(0, 64),
      flow,
      flowVersionId,
      variables: null,
      startedAt: at,
      answeredAt: null,
      endedAt: null,
      durationMs: null,
      outcome: null,
      hangupCause: null,
      digits: '',
      ivrPath: '[]',
      currentStep: null,
      ...o,
    });
    await this.records.createQueryBuilder().insert().values(record).updateEntity(false).execute();
    return record;
  }

  findOpenByChannel(channelId: string): Promise<CallRecord | null> {
    return this.records.findOne({ where: { channelId } }).then((r) => (r && !r.endedAt ? r : null));
  }

  /** The record of the call on this channel, open or ended (a caller surveyed after the agent hung up). */
  findByChannel(channelId: string): Promise<CallRecord | null> {
    return this.records.findOne({ where: { channelId } });
  }

  async adopt(id: string): Promise<void> {
    await this.records.update({ id }, { handledBy: this.nodeName });
    this.addEvent(id, 'resumed', { node: this.nodeName });
  }

  /**
   * The call was answered. The flow persists its first step right after answering, so the
   * answer time is written with that update (or with the call's end, whichever comes first)
   * instead of by a statement of its own.
   */
  async answered(id: string, at: Date): Promise<void> {
    this.unwrittenAnswers.set(id, at);
    this.addEvent(id, 'answered', undefined, at);
  }

  /** { answeredAt } when the call's answer is not written yet (see answered()). */
  private answerOf(id: string): { answeredAt?: Date } {
    const at = this.unwrittenAnswers.get(id);
    if (!at) return {};
    this.unwrittenAnswers.delete(id);
    return { answeredAt: at };
  }

  async step(id: string, path: PathEntry[], step: string, state?: unknown): Promise<void> {
    await this.records.update({ id }, { ...this.answerOf(id), currentStep: step.slice(0, 64), ivrPath: JSON.stringify(path), ...(state === undefined ? {} : { variables: JSON.stringify(state) }) });
    this.addEvent(id, 'step', { step });
  }

  async digit(id: string, digits: string, digit: string): Promise<void> {
    await this.records.update({ id }, { digits: digits.slice(-255) });
    this.addEvent(id, 'dtmf', { digit });
  }

  prompt(id: string, media: string, state: 'started' | 'finished' | 'interrupted'): void {
    this.addEvent(id, `prompt.${state}`, { media });
  }

  /** Ends the record; its timeline is complete in the database when this resolves. */
  async finish(record: { id: string; startedAt: Date }, outcome: CallOutcome, cause: string | null, at: Date): Promise<void> {
    this.addEvent(record.id, 'ended', { outcome, cause }, at);
    await this.writer.flushed();
    await this.records.update(
      { id: record.id },
      { ...this.answerOf(record.id), endedAt: at, outcome, hangupCause: cause?.slice(0, 64) ?? null, durationMs: Math.max(0, at.getTime() - record.startedAt.getTime()), currentStep: null },
    );
    this.ended(record.id, at);
  }

  /** Calls `fn` with the id and end time of every record this node ends, once it is written (webhooks' call.ended). */
  onEnded(fn: (id: string, at: Date) => void): void {
    this.endedListeners.push(fn);
  }

  private ended(id: string, at: Date): void {
    for (const fn of this.endedListeners) fn(id, at);
  }

  /** Open records of Hotline's own calls that started before `before`, oldest first (the orphan sweep). */
  openRecords(before: Date, limit: number): Promise<CallRecord[]> {
    return this.records.find({ where: { source: 'hotline', endedAt: IsNull(), startedAt: LessThan(before) }, order: { startedAt: 'ASC' }, take: limit });
  }

  /** Ends a record only if nothing ended it meanwhile (the flow's own end always wins). */
  async finishIfOpen(record: { id: string; startedAt: Date }, outcome: CallOutcome, cause: string, at: Date): Promise<boolean> {
    const r = await this.records.update(
      { id: record.id, endedAt: IsNull() },
      { endedAt: at, outcome, hangupCause: cause.slice(0, 64), durationMs: Math.max(0, at.getTime() - record.startedAt.getTime()), currentStep: null },
    );
    if (!r.affected) return false;
    this.addEvent(record.id, 'ended', { outcome, cause }, at);
    this.ended(record.id, at);
    return true;
  }

  /** Adds a timeline event; written with the next batch (see EventWriter). */
  addEvent(callId: string, type: string, detail?: unknown, at = new Date()): void {
    this.writer.add({ callId, at, type, detail: detail === undefined ? null : JSON.stringify(detail) });
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  async list(q: CallListQuery): Promise<{ items: CallRecord[]; total: number }> {
    if (q.from && q.to && q.from > q.to) throw new CallRangeError();
    const [items, total] = await whereCallsMatch(this.records.createQueryBuilder('r'), q)
      .orderBy('r.startedAt', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .take(q.limit)
      .skip(q.offset)
      .getManyAndCount();
    return { items, total };
  }

  /** What the caller did in the IVR (the screen pop shows it): by the Asterisk channel id (= Uniqueid). */
  async ivrOfChannel(channelId: string): Promise<{ callId: string; calledNumber: string; digits: string; path: string[]; variables: Record<string, string> } | null> {
    const r = await this.records.findOne({ where: { channelId } });
    if (!r) return null;
    const state = r.variables ? (JSON.parse(r.variables) as { vars?: Record<string, string> }) : {};
    const path = (JSON.parse(r.ivrPath || '[]') as Array<{ step: string }>).map((p) => p.step);
    return { callId: r.id, calledNumber: r.calledNumber, digits: r.digits, path, variables: state.vars ?? {} };
  }

  // ---- the agent's part (reported by the ACD, which knows queues and agents) -------------
  /** An agent answered the call from a queue: the record names the agent. Returns the record's id (null: no record of that channel). */
  async agentAnswered(channelId: string, a: { agentId: string | null; agentInterface: string; agentName: string | null; queue: string; holdSeconds: number | null; at: Date }): Promise<string | null> {
    const r = await this.records.findOne({ where: { channelId }, select: { id: true } });
    if (!r) return null;
    await this.records.update({ id: r.id }, { agentId: a.agentId, agentInterface: a.agentInterface.slice(0, 80), agentName: a.agentName?.slice(0, 128) ?? null, queue: a.queue.slice(0, 64), holdSeconds: a.holdSeconds });
    this.addEvent(r.id, 'agent.answered', { agentId: a.agentId, agent: a.agentName, queue: a.queue }, a.at);
    return r.id;
  }

  /** The agent's conversation ended after `talkSeconds`. */
  async agentCompleted(channelId: string, talkSeconds: number | null, at: Date): Promise<void> {
    const r = await this.records.findOne({ where: { channelId }, select: { id: true } });
    if (!r) return;
    await this.records.update({ id: r.id }, { talkSeconds });
    this.addEvent(r.id, 'agent.completed', { talkSeconds }, at);
  }

  /** The record of a channel (id and answering agent), or null. */
  async byChannel(channelId: string): Promise<{ id: string; channelId: string; agentId: string | null } | null> {
    const r = await this.records.findOne({ where: { channelId }, select: { id: true, channelId: true, agentId: true } });
    return r ? { id: r.id, channelId: r.channelId, agentId: r.agentId } : null;
  }

  /** The record by id (id, channel, answering agent), or null. */
  async brief(id: string): Promise<{ id: string; channelId: string; agentId: string | null } | null> {
    const r = await this.records.findOne({ where: { id }, select: { id: true, channelId: true, agentId: true } });
    return r ? { id: r.id, channelId: r.channelId, agentId: r.agentId } : null;
  }

  /** The wrap-up code (and note) the agent picked for the call. */
  async setDisposition(id: string, d: { agentId: string; code: string; note: string }): Promise<void> {
    await this.records.update({ id }, { disposition: d.code, dispositionNote: d.note || null });
    this.addEvent(id, 'disposition', { agentId: d.agentId, code: d.code, ...(d.note ? { note: d.note } : {}) });
  }

  /** The record alone (no timeline), or null. */
  record(id: string): Promise<CallRecord | null> {
    return this.records.findOne({ where: { id } });
  }

  async get(id: string): Promise<{ record: CallRecord; events: CallEvent[] }> {
    const record = await this.records.findOne({ where: { id } });
    if (!record) throw new NotFoundError('call', id);
    // Events this node has taken but not yet written (batched, see EventWriter) are read too:
    // whoever saw a change through this node (a recording stored, a call ended) sees it here.
    await settled(this.writer.flushed());
    const events = await this.events.find({ where: { callId: id }, order: { id: 'ASC' } });
    return { record, events };
  }
}
