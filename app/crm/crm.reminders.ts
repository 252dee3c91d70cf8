// Follow-up reminders: an agent is reminded about a customer at a time. Hotline's scheduler
// (not this module: no timers here) asks for dueReminders(now), notifies, then markNotified.
import { randomUUID } from 'node:crypto';
import { In, LessThanOrEqual, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { Customer, Reminder } from './crm.entities.js';
import { ReminderRecipientError, ReminderStateError } from './crm.errors.js';

/** A reminder with its customer's name and the name of the person it is for ('' when unknown). */
export type ReminderView = Pick<Reminder, 'id' | 'customerId' | 'agentId' | 'dueAt' | 'text' | 'status' | 'createdBy' | 'createdAt' | 'notifiedAt' | 'doneAt'> & { customerName: string; agentName: string };

/** The users a follow-up can be for, and their names (the auth module's, given by main.ts). */
export interface ReminderPeople {
  findById(id: string): Promise<{ disabled: boolean | number; role: string } | null>;
  namesByIds(ids: Iterable<string>): Promise<Map<string, string>>;
}
const DESK_ROLES = ['admin', 'supervisor', 'agent'];

export class Reminders {
  constructor(
    private readonly db: DataSource,
    private readonly active: (m: EntityManager, id: string) => Promise<Customer>,
    private readonly people?: ReminderPeople,
  ) {}

  private async views(m: EntityManager, rows: Reminder[]): Promise<ReminderView[]> {
    const ids = [...new Set(rows.map((r) => r.customerId))];
    const names = new Map(ids.length ? (await m.find(Customer, { select: { id: true, name: true }, where: { id: In(ids) } })).map((c) => [c.id, c.name]) : []);
    const agents = rows.length && this.people ? await this.people.namesByIds(rows.map((r) => r.agentId)) : new Map<string, string>();
    return rows.map((r) => ({ ...r, customerName: names.get(r.customerId) ?? '', agentName: agents.get(r.agentId) ?? '' }));
  }

  /**
   * A follow-up on a customer. For someone else than its author (`forOther`), the person must be an
   * enabled user with a desk (agent, supervisor, admin): nobody else would ever see it.
   */
  async create(customerId: string, input: { dueAt: Date; text: string; agentId: string }, createdBy: string, forOther = false): Promise<ReminderView> {
    if (forOther && this.people) {
      const u = await this.people.findById(input.agentId);
      if (!u) throw new ReminderRecipientError(input.agentId, 'does not exist');
      if (u.disabled) throw new ReminderRecipientError(input.agentId, 'is disabled');
      if (!DESK_ROLES.includes(u.role)) throw new ReminderRecipientError(input.agentId, `has the role ${u.role}`);
    }
    const view = await this.db.transaction(async (m) => {
      const c = await this.active(m, customerId);
      const r: Reminder = { id: randomUUID(), customerId, agentId: input.agentId, dueAt: input.dueAt, text: input.text, status: 'open', createdBy, createdAt: new Date(), notifiedAt: null, doneAt: null };
      await m.insert(Reminder, r);
      return { ...r, customerName: c.name };
    });
    const agentName = this.people ? (await this.people.namesByIds([view.agentId])).get(view.agentId) ?? '' : '';
    return { ...view, agentName };
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
