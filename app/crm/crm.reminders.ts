// Follow-up reminders: an agent is reminded about a customer at a time. Hotline's scheduler
// (not this module: no timers here) asks for dueReminders(now), notifies, then markNotified.
import { randomUUID } from 'node:crypto';
import { In, LessThanOrEqual, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { Customer, Reminder } from './crm.entities.js';
import { ReminderStateError } from './crm.errors.js';

export type ReminderView = Pick<Reminder, 'id' | 'customerId' | 'agentId' | 'dueAt' | 'text' | 'status' | 'createdBy' | 'createdAt' | 'notifiedAt' | 'doneAt'> & { customerName: string };

export class Reminders {
  constructor(
    private readonly db: DataSource,
    private readonly active: (m: EntityManager, id: string) => Promise<Customer>,
  ) {}

  private async views(m: EntityManager, rows: Reminder[]): Promise<ReminderView[]> {
    const ids = [...new Set(rows.map((r) => r.customerId))];
    const names = new Map(ids.length ? (await m.find(Customer, { select: { id: true, name: true }, where: { id: In(ids) } })).map((c) => [c.id, c.name]) : []);
    return rows.map((r) => ({ ...r, customerName: names.get(r.customerId) ?? '' }));
  }

  async create(customerId: string, input: { dueAt: Date; text: string; agentId: string }, createdBy: string): Promise<ReminderView> {
    return this.db.transaction(async (m) => {
      const c = await this.active(m, customerId);
      const r: Reminder = { id: randomUUID(), customerId, agentId: input.agentId, dueAt: input.dueAt, text: input.text, status: 'open', createdBy, createdAt: new Date(), notifiedAt: null, doneAt: null };
      await m.insert(Reminder, r);
      return { ...r, customerName: c.name };
    });
  }

  async list(q: { agentId?: string; customerId?: string; status?: Reminder['status']; dueBefore?: Date; limit: number; offset: number }): Promise<{ items: ReminderView[]; total: number; limit: number; offset: number }> {
    const where: FindOptionsWhere<Reminder> = {};
    if (q.agentId) where.agentId = q.agentId;
    if (q.customerId) where.customerId = q.customerId;
    if (q.status) where.status = q.status;
    if (q.dueBefore) where.dueAt = LessThanOrEqual(q.dueBefore);
    const [rows, total] = await this.db.manager.findAndCount(Reminder, { where, order: { dueAt: 'ASC', id: 'ASC' }, take: q.limit, skip: q.offset });
    return { items: await this.views(this.db.manager, rows), total, limit: q.limit, offset: q.offset };
  }

  /** Marks a reminder done (from open or notified). */
  async complete(id: string): Promise<ReminderView> {
    return this.db.transaction(async (m) => {
      const r = await m.findOne(Reminder, { where: { id } });
      if (!r) throw new NotFoundError('reminder', id);
      if (r.status === 'done') throw new ReminderStateError(id, 'already done');
      r.status = 'done';
      r.doneAt = new Date();
      await m.update(Reminder, { id }, { status: r.status, doneAt: r.doneAt });
      return (await this.views(m, [r]))[0]!;
    });
  }

  /** Open reminders due at or before `now`, oldest first (the scheduler's query; indexed by status, due_at). */
  async due(now: Date, limit = 100): Promise<ReminderView[]> {
    const rows = await this.db.manager.find(Reminder, { where: { status: 'open', dueAt: LessThanOrEqual(now) }, order: { dueAt: 'ASC', id: 'ASC' }, take: limit });
    return this.views(this.db.manager, rows);
  }

  /** open → notified; false when it was not open any more (done, or another node notified it). */
  async markNotified(id: string, at = new Date()): Promise<boolean> {
    const res = await this.db.manager.update(Reminder, { id, status: 'open' }, { status: 'notified', notifiedAt: at });
    if (!res.affected) {
      const exists = await this.db.manager.exists(Reminder, { where: { id } });
      if (!exists) throw new NotFoundError('reminder', id);
      return false;
    }
    return true;
  }
}
