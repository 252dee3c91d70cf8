// Finding recordings: time, queue, agent, customer, number, duration, status, within what the
// asker may hear (recording.access.ts).
import { Between, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { NOT_A_RECORDING, Recording, type PausedSpan, type RecordingLeg } from './recording.entities.js';
import type { KeywordHit } from './keyword.entities.js';
import type { z } from 'zod';
import type { recordingListQuery } from './recording.schemas.js';

export type RecordingListQuery = z.infer<typeof recordingListQuery>;

export function recordingJson(r: Recording) {
  return {
    id: r.id,
    callId: r.callId,
    queue: r.queue,
    agentId: r.agentId,
    customerNumber: r.customerNumber,
    customerId: r.customerId,
    status: r.status,
    answeredAt: r.answeredAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    legs: (JSON.parse(r.legs) as RecordingLeg[]).map((l) => ({ leg: l.leg, format: l.format, durationMs: l.durationMs, audioBytes: l.audioBytes, storedBytes: l.storedBytes, sha256: l.sha256, keyId: l.keyId })),
    pauses: JSON.parse(r.pauses) as PausedSpan[],
    signals: r.signals ? (JSON.parse(r.signals) as unknown) : null,
    flags: r.flags.split(',').filter(Boolean),
    /** Keywords found: which phrase, on which leg, from / to which second; null: not searched. */
    keywords: r.keywords ? (JSON.parse(r.keywords) as KeywordHit[]) : null,
    purgeAfter: r.purgeAfter,
    error: r.error,
  };
}

export class RecordingSearch {
  constructor(private readonly db: DataSource) {}

  async get(id: string): Promise<Recording> {
    const r = await this.db.getRepository(Recording).findOneBy({ id });
    if (!r) throw new NotFoundError('recording', id);
    return r;
  }

  /** The recording (stored first) of a call, or null. */
  async ofCall(callId: string): Promise<Recording | null> {
    const rows = await this.db.getRepository(Recording).find({ where: { callId }, order: { answeredAt: 'DESC' } });
    return rows.find((r) => r.status === 'stored') ?? rows.find((r) => !NOT_A_RECORDING.includes(r.status)) ?? null;
  }

  /** Stored recordings of a queue answered in [from, to) (QA sampling), read through `m` (its transaction). */
  async storedOf(queue: string, from: Date, to: Date, m: EntityManager = this.db.manager): Promise<Array<Pick<Recording, 'id' | 'agentId' | 'answeredAt' | 'flags'>>> {
    const rows = await m.find(Recording, { select: { id: true, agentId: true, answeredAt: true, flags: true }, where: { queue, status: 'stored', answeredAt: Between(from, new Date(to.getTime() - 1)) } });
    return rows.map((r) => ({ id: r.id, agentId: r.agentId, answeredAt: r.answeredAt, flags: r.flags }));
  }

  find(id: string): Promise<Recording | null> {
    return this.db.getRepository(Recording).findOneBy({ id });
  }

  /** `queues`: only these queues (a supervisor's); `agentId`: only this agent's (null: none at all). */
  async list(q: RecordingListQuery, scope: { agentId?: string | null; queues?: string[] }): Promise<{ items: Recording[]; total: number }> {
    const b = this.db.getRepository(Recording).createQueryBuilder('r').where('r.status NOT IN (:...notRecordings)', { notRecordings: NOT_A_RECORDING });
    if (scope.agentId === null || (scope.queues && !scope.queues.length)) return { items: [], total: 0 };
    if (scope.agentId) b.andWhere('r.agent_id = :own', { own: scope.agentId });
    if (scope.queues) b.andWhere('r.queue IN (:...queues)', { queues: scope.queues });
    if (q.from) b.andWhere('r.answered_at >= :from', { from: q.from });
    if (q.to) b.andWhere('r.answered_at < :to', { to: q.to });
    if (q.queue) b.andWhere('r.queue = :queue', { queue: q.queue });
    if (q.agentId) b.andWhere('r.agent_id = :agentId', { agentId: q.agentId });
    if (q.callId) b.andWhere('r.call_id = :callId', { callId: q.callId });
    if (q.number) b.andWhere('r.customer_number = :number', { number: q.number });
    if (q.customerId) b.andWhere('r.customer_id = :customerId', { customerId: q.customerId });
    if (q.minSeconds !== undefined) b.andWhere('r.duration_ms >= :min', { min: q.minSeconds * 1000 });
    if (q.maxSeconds !== undefined) b.andWhere('r.duration_ms <= :max', { max: q.maxSeconds * 1000 });
    if (q.status) b.andWhere('r.status = :status', { status: q.status });
    if (q.flag) b.andWhere('r.flags LIKE :flag', { flag: `%,${q.flag},%` });
    if (q.flagged !== undefined) b.andWhere(q.flagged ? "r.flags <> ''" : "r.flags = ''");
    const [items, total] = await b.orderBy('r.answered_at', 'DESC').take(q.limit).skip(q.offset).getManyAndCount();
    return { items, total };
  }
}
