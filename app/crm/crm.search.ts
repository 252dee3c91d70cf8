// Customer lists: the search's filters (customer-filters.ts: name contains, any phone form,
// any part of a number, email, tag, company, region), sorting and offset pagination with the
// total. Merged and deleted customers are not listed.
import type { EntityManager } from 'typeorm';
import { Customer } from './crm.entities.js';
import type { CustomerListQuery } from './crm.schemas.js';
import { loadViews, type CustomerView } from './crm.views.js';
import { whereCustomersMatch } from './customer-filters.js';

const SORT_COLUMN = { name: 'c.name', createdAt: 'c.createdAt', updatedAt: 'c.updatedAt', vipLevel: 'c.vipLevel' } as const;

export async function listCustomers(m: EntityManager, q: CustomerListQuery): Promise<{ items: CustomerView[]; total: number; limit: number; offset: number }> {
  const qb = whereCustomersMatch(m.createQueryBuilder(Customer, 'c').where('c.merged_into IS NULL').andWhere('c.deleted_at IS NULL'), q);
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  qb.orderBy(SORT_COLUMN[q.sort], dir).addOrderBy('c.id', 'ASC').offset(q.offset).limit(q.limit);
  const [rows, total] = await Promise.all([qb.getMany(), qb.getCount()]);
  return { items: await loadViews(m, rows), total, limit: q.limit, offset: q.offset };
}
