// Call records: created when a call enters Hotline, updated at every step, finished when
// it ends. The record is the persisted state a standby node resumes a call from.
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { CallInfo } from '../pbx/ports.js';
import { CallEvent, CallRecord, type CallOutcome } from './calls.entities.js';

export interface PathEntry {
  step: string;
  at: string;
  digit?: string;
}

export interface CallListQuery {
  limit: number;
  offset: number;
  caller?: string;
}

export class CallsService {
  private readonly records: Repository<CallRecord>;
  private readonly events: Repository<CallEvent>;

  constructor(
    private readonly db: DataSource,
    private readonly nodeName: string,
  ) {
    this.records = db.getRepository(CallRecord);
    this.events = db.getRepository(CallEvent);
  }

  async start(call: CallInfo, flow: string, at: Date): Promise<CallRecord> {
    const record = this.records.create({
      id: randomUUID(),
      channelId: call.channelId,
      callerNumber: call.callerNumber.slice(0, 64),
      callerName: call.callerName?.slice(0, 128) ?? null,
      calledNumber: call.calledNumber.slice(0, 64),
      flow,
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
    await this.db.transaction(async (m) => {
      await m.insert(CallRecord, record);
      await m.insert(CallEvent, { callId: record.id, at, type: 'entered', detail: JSON.stringify({ flow }) });
    });
    return record;
  }

  findOpenByChannel(channelId: string): Promise<CallRecord | null> {
    return this.records.findOne({ where: { channelId } }).then((r) => (r && !r.endedAt ? r : null));
  }

  async adopt(id: string): Promise<void> {
    await this.records.update({ id }, { handledBy: this.nodeName });
    await this.addEvent(id, 'resumed', { node: this.nodeName });
  }

  async answered(id: string, at: Date): Promise<void> {
    await this.records.update({ id }, { answeredAt: at });
    await this.addEvent(id, 'answered');
  }

  async step(id: string, path: PathEntry[], step: string): Promise<void> {
    await this.records.update({ id }, { currentStep: step, ivrPath: JSON.stringify(path) });
    await this.addEvent(id, 'step', { step });
  }

  async digit(id: string, digits: string, digit: string): Promise<void> {
    await this.records.update({ id }, { digits: digits.slice(-255) });
    await this.addEvent(id, 'dtmf', { digit });
  }

  async prompt(id: string, media: string, state: 'started' | 'finished' | 'interrupted'): Promise<void> {
    await this.addEvent(id, `prompt.${state}`, { media });
  }

  async finish(record: { id: string; startedAt: Date }, outcome: CallOutcome, cause: string | null, at: Date): Promise<void> {
    await this.records.update(
      { id: record.id },
      { endedAt: at, outcome, hangupCause: cause?.slice(0, 64) ?? null, durationMs: Math.max(0, at.getTime() - record.startedAt.getTime()), currentStep: null },
    );
    await this.addEvent(record.id, 'ended', { outcome, cause });
  }

  async addEvent(callId: string, type: string, detail?: unknown): Promise<void> {
    await this.events.insert({ callId, at: new Date(), type, detail: detail === undefined ? null : JSON.stringify(detail) });
  }

  async list(q: CallListQuery): Promise<{ items: CallRecord[]; total: number }> {
    const [items, total] = await this.records.findAndCount({
      where: q.caller ? { callerNumber: q.caller } : {},
      order: { startedAt: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items, total };
  }

  async get(id: string): Promise<{ record: CallRecord; events: CallEvent[] }> {
    const record = await this.records.findOne({ where: { id } });
    if (!record) throw new NotFoundError('call', id);
    const events = await this.events.find({ where: { callId: id }, order: { id: 'ASC' } });
    return { record, events };
  }
}
