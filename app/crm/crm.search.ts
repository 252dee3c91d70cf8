// Customer lists: filters (name contains, any phone form, email, tag, company, region),
// sorting and offset pagination with the total. Merged and deleted customers are not listed.
import type { EntityManager } from 'typeorm';
import { Customer } from './crm.entities.js';
import type { CustomerListQuery } from './crm.schemas.js';
import { loadViews, type CustomerView } from './crm.views.js';

const like = (s: string) => `%${s.replace(/[!%_]/g, '!$&')}%`;
const SORT_COLUMN = { name: 'c.name', createdAt: 'c.createdAt', updatedAt: 'c.updatedAt', vipLevel: 'c.vipLevel' } as const;

export async function listCustomers(m: EntityManager, q: CustomerListQuery): Promise<{ items: CustomerView[]; total: number; limit: number; offset: number }> {
  const qb = m
    .createQueryBuilder(Customer, 'c')
    .where('c.merged_into IS NULL')
    .andWhere('c.deleted_at IS NULL');
  if (q.name) qb.andWhere(`c.name LIKE :name ESCAPE '!'`, { name: like(q.name) });
  // The phone, email and tag filters go through their tables' keys.
  if (q.phone) qb.andWhere('c.id IN (SELECT p.customer_id FROM customer_phones p WHERE p.phone = :phone)', { phone: q.phone });
  if (q.email) qb.andWhere('c.id IN (SELECT e.customer_id FROM customer_emails e WHERE e.email = :email)', { email: q.email });
  if (q.tag) qb.andWhere('c.id IN (SELECT t.customer_id FROM customer_tags t WHERE t.tag = :tag)', { tag: q.tag });
  if (q.company) {
    qb.andWhere(
      `(c.company LIKE :company ESCAPE '!' OR c.id IN (SELECT cc.customer_id FROM company_contacts cc JOIN companies co ON co.id = cc.company_id WHERE co.name LIKE :company ESCAPE '!'))`,
      { company: like(q.company) },
    );
  }
  if (q.companyId) qb.andWhere('c.id IN (SELECT cc2.customer_id FROM company_contacts cc2 WHERE cc2.company_id = :companyId)', { companyId: q.companyId });
  if (q.region) qb.andWhere('c.region = :region', { region: q.region });
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  qb.orderBy(SORT_COLUMN[q.sort], dir).addOrderBy('c.id', 'ASC').offset(q.offset).limit(q.limit);
  const [rows, total] = await Promise.all([qb.getMany(), qb.getCount()]);
  return { items: await loadViews(m, rows), total, limit: q.limit, offset: q.offset };
}
