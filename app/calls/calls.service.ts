// Call records: created when a call enters Hotline, updated at every step, finished when
// it ends. The record is the persisted state a standby node resumes a call from.
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { CallInfo } from '../pbx/ports.js';
import { CallEvent, CallRecord, type CallOutcome } from './calls.entities.js';
import { EventWriter } from './event-writer.js';

export interface PathEntry {
  step: string;
  at: string;
  digit?: string;
}

export interface CallListQuery {
  limit: number;
  offset: number;
  caller?: string;
  source?: string;
}

export class CallsService {
  private readonly records: Repository<CallRecord>;
  private readonly events: Repository<CallEvent>;
  private readonly writer: EventWriter;

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
      handledBy: this.nodeName,
    });
    await this.records.insert(record);
    this.addEvent(record.id, 'entered', { flow }, at);
    return record;
  }

  findOpenByChannel(channelId: string): Promise<CallRecord | null> {
    return this.records.findOne({ where: { channelId } }).then((r) => (r && !r.endedAt ? r : null));
  }

  async adopt(id: string): Promise<void> {
    await this.records.update({ id }, { handledBy: this.nodeName });
    this.addEvent(id, 'resumed', { node: this.nodeName });
  }

  async answered(id: string, at: Date): Promise<void> {
    await this.records.update({ id }, { answeredAt: at });
    this.addEvent(id, 'answered', undefined, at);
  }

  async step(id: string, path: PathEntry[], step: string, state?: unknown): Promise<void> {
    await this.records.update({ id }, { currentStep: step.slice(0, 64), ivrPath: JSON.stringify(path), ...(state === undefined ? {} : { variables: JSON.stringify(state) }) });
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
      { endedAt: at, outcome, hangupCause: cause?.slice(0, 64) ?? null, durationMs: Math.max(0, at.getTime() - record.startedAt.getTime()), currentStep: null },
    );
  }

  /** Adds a timeline event; written with the next batch (see EventWriter). */
  addEvent(callId: string, type: string, detail?: unknown, at = new Date()): void {
    this.writer.add({ callId, at, type, detail: detail === undefined ? null : JSON.stringify(detail) });
  }

  close(): Promise<void> {
    return this.writer.close();
  }

  async list(q: CallListQuery): Promise<{ items: CallRecord[]; total: number }> {
    const [items, total] = await this.records.findAndCount({
      where: { ...(q.caller ? { callerNumber: q.caller } : {}), ...(q.source ? { source: q.source } : {}) },
      order: { startedAt: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
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

  async get(id: string): Promise<{ record: CallRecord; events: CallEvent[] }> {
    const record = await this.records.findOne({ where: { id } });
    if (!record) throw new NotFoundError('call', id);
    const events = await this.events.find({ where: { callId: id }, order: { id: 'ASC' } });
    return { record, events };
  }
}
