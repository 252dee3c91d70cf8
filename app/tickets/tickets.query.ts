// Ticket list and search: filters, sorting, limit/offset.
import { Brackets, type DataSource } from 'typeorm';
import { Ticket } from './tickets.entities.js';
import type { ListQuery } from './tickets.schemas.js';
import type { TicketView } from './tickets.view.js';

const SORT: Record<ListQuery['sort'], string> = { createdAt: 't.createdAt', updatedAt: 't.updatedAt', priority: 't.priorityRank', dueAt: 't.dueAt' };

export async function listTickets(db: DataSource, q: ListQuery, view: (t: Ticket) => Promise<TicketView>): Promise<{ items: TicketView[]; total: number; limit: number; offset: number }> {
  const qb = db.manager.createQueryBuilder(Ticket, 't');
  if (q.status) qb.andWhere('t.status IN (:...status)', { status: q.status });
  if (q.priority) qb.andWhere('t.priority IN (:...priority)', { priority: q.priority });
  if (q.assignee) qb.andWhere('t.assigneeId = :assignee', { assignee: q.assignee });
  if (q.team) qb.andWhere('t.team = :team', { team: q.team });
  if (q.customer) qb.andWhere('t.customerId = :customer', { customer: q.customer });
  if (q.escalated !== undefined) qb.andWhere(q.escalated ? 't.escalationLevel > 0' : 't.escalationLevel = 0');
  if (q.q) {
    // '!' escapes LIKE wildcards the same way on SQLite and MariaDB (a backslash does not).
    const like = `%${q.q.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    qb.andWhere(new Brackets((w) => w.where("t.title LIKE :like ESCAPE '!'", { like }).orWhere('t.number = :number', { number: q.q })));
  }
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  // Tickets without a deadline sort last either way.
  if (q.sort === 'dueAt') qb.orderBy('CASE WHEN t.dueAt IS NULL THEN 1 ELSE 0 END', 'ASC').addOrderBy(SORT.dueAt, dir);
  else qb.orderBy(SORT[q.sort], dir);
  qb.addOrderBy('t.seq', dir).take(q.limit).skip(q.offset);
  const [rows, total] = await qb.getManyAndCount();
  return { items: await Promise.all(rows.map(view)), total, limit: q.limit, offset: q.offset };
}
