// Retention: every night (HOTLINE_RECORDINGS_PURGE_AT, the server's local time) one scheduler job
// — exactly once across nodes (the scheduler's claim) — purges the recordings past their queue's
// retention: files removed, row marked purged, one audit entry each. A legal hold on the call or
// on the customer (number or CRM id) keeps a recording; that too is audited. The job schedules
// the next night's in its own transaction.
import { randomUUID } from 'node:crypto';
import { LessThanOrEqual, type DataSource, type EntityManager } from 'typeorm';
import type { AuditInput } from '../auth/audit.js';
import { AppError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SchedulerService } from '../scheduler/index.js';
import { Recording, RecordingHold, type RecordingLeg } from './recording.entities.js';
import type { RecordingStore } from './recording.store.js';

export const PURGE_JOB = 'recording.purge';
const ACTOR = 'system:retention';

/** The next time `hhmm` (local) comes after `now`, and the job key for that night (its local date). */
export function nextPurge(hhmm: string, now = new Date()): { dueAt: Date; key: string } {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const due = new Date(now);
  due.setHours(h, m, 0, 0);
  if (due.getTime() <= now.getTime()) due.setDate(due.getDate() + 1);
  const key = `${due.getFullYear()}-${String(due.getMonth() + 1).padStart(2, '0')}-${String(due.getDate()).padStart(2, '0')}`;
  return { dueAt: due, key };
}

export function isHeld(r: Pick<Recording, 'callId' | 'customerNumber' | 'customerId'>, holds: Array<Pick<RecordingHold, 'kind' | 'target'>>): boolean {
  return holds.some((h) => (h.kind === 'call' ? h.target === r.callId : h.target === r.customerNumber || h.target === r.customerId));
}

export class HoldExistsError extends AppError {
  constructor() {
    super(409, 'hold_exists', 'this call or customer is already under a legal hold');
  }
}

export class RecordingRetention {
  constructor(
    private readonly db: DataSource,
    private readonly scheduler: SchedulerService,
    private readonly store: RecordingStore,
    private readonly audit: (e: AuditInput, m?: EntityManager) => Promise<void>,
    private readonly purgeAt: string,
    private readonly log: Logger,
  ) {
    scheduler.register(PURGE_JOB, async (job, m) => {
      await this.purge(m);
      let next = nextPurge(this.purgeAt);
      // Run ahead of its time (an operator moved it): the next night is the one after its own.
      if (next.key === job.key) next = nextPurge(this.purgeAt, new Date(next.dueAt.getTime() + 60_000));
      await this.scheduler.schedule(PURGE_JOB, next.key, next.dueAt, {}, m);
    });
  }

  /** The next night's job exists (scheduling it only when absent: a job already done is never run again). */
  async ensureScheduled(now = new Date()): Promise<void> {
    const next = nextPurge(this.purgeAt, now);
    if (!(await this.scheduler.find(PURGE_JOB, next.key))) await this.scheduler.schedule(PURGE_JOB, next.key, next.dueAt, {});
  }

  /** Purges what is due, inside the job's transaction; returns what was purged and what a hold kept. */
  async purge(m: EntityManager, now = new Date()): Promise<{ purged: string[]; held: string[] }> {
    const holds = await m.find(RecordingHold);
    const due = await m.find(Recording, { where: { status: 'stored', purgeAfter: LessThanOrEqual(now) }, order: { purgeAfter: 'ASC' }, take: 5000 });
    const purged: string[] = [];
    const held: string[] = [];
    for (const r of due) {
      const detail = { callId: r.callId, queue: r.queue, customerNumber: r.customerNumber, answeredAt: r.answeredAt, purgeAfter: r.purgeAfter };
      if (isHeld(r, holds)) {
        held.push(r.id);
        await this.audit({ actor: ACTOR, action: 'recording.purge.held', target: `recording:${r.id}`, detail }, m);
        continue;
      }
      const legs = JSON.parse(r.legs) as RecordingLeg[];
      await m.update(Recording, { id: r.id, status: 'stored' }, { status: 'purged', legs: JSON.stringify(legs.map((l) => ({ ...l, file: '' }))) });
      await this.audit({ actor: ACTOR, action: 'recording.purge', target: `recording:${r.id}`, detail: { ...detail, files: legs.length } }, m);
      // Files go last: should the transaction fail after this, the next run finds the row still due and removes nothing twice.
      for (const l of legs) await this.store.remove(l.file);
      purged.push(r.id);
    }
    if (purged.length || held.length) this.log.info({ purged: purged.length, held: held.length }, 'recordings past their retention purged');
    return { purged, held };
  }

  // ---- legal holds ----------------------------------------------------------------------------

  holds(): Promise<RecordingHold[]> {
    return this.db.getRepository(RecordingHold).find({ order: { createdAt: 'DESC' } });
  }

  async hold(h: { kind: 'call' | 'customer'; target: string; reason: string }, actor: { name: string; ip: string | null }): Promise<RecordingHold> {
    return this.db.transaction(async (m) => {
      if (await m.exists(RecordingHold, { where: { kind: h.kind, target: h.target } })) throw new HoldExistsError();
      const row: RecordingHold = { id: randomUUID(), kind: h.kind, target: h.target, reason: h.reason, createdBy: actor.name, createdAt: new Date() };
      await m.insert(RecordingHold, row);
      await this.audit({ actor: actor.name, actorIp: actor.ip, action: 'recording.hold', target: `${h.kind}:${h.target}`, detail: { reason: h.reason, holdId: row.id } }, m);
      return row;
    });
  }

  async release(id: string, actor: { name: string; ip: string | null }): Promise<void> {
    await this.db.transaction(async (m) => {
      const h = await m.findOneBy(RecordingHold, { id });
      if (!h) throw new NotFoundError('legal hold', id);
      await m.delete(RecordingHold, { id });
      await this.audit({ actor: actor.name, actorIp: actor.ip, action: 'recording.hold.release', target: `${h.kind}:${h.target}`, detail: { reason: h.reason, holdId: id } }, m);
    });
  }
}
