import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { Customer, CustomerPhone } from './crm.entities.js';
import { PhoneTakenError } from './crm.errors.js';
import { normalizePhone } from './phone.js';
import { pageCustomers, upsertCustomers, UpsertContext, type CustomerPageQuery, type CustomerUpsertRow } from './crm.bulk.js';

export interface CustomerView {
  id: string;
  name: string;
  company: string;
  vipLevel: number;
  phones: string[];
}

export class CrmService {
  constructor(private readonly db: DataSource) {}

  async create(input: { name: string; company: string; vipLevel: number; phones: string[] }): Promise<CustomerView> {
    const phones = [...new Set(input.phones)];
    return this.db.transaction(async (m) => {
      const taken = await m.find(CustomerPhone, { where: { phone: In(phones) } });
      if (taken.length) throw new PhoneTakenError(taken[0]!.phone);
      const now = new Date();
      const customer = m.create(Customer, { id: randomUUID(), name: input.name, company: input.company, vipLevel: input.vipLevel, createdAt: now, updatedAt: now });
      await m.insert(Customer, customer);
      await m.insert(CustomerPhone, phones.map((phone) => ({ phone, customerId: customer.id })));
      return { ...this.view(customer), phones };
    });
  }

  private view(c: Customer): Omit<CustomerView, 'phones'> {
    return { id: c.id, name: c.name, company: c.company, vipLevel: c.vipLevel };
  }

  async get(id: string): Promise<CustomerView> {
    const c = await this.db.manager.findOne(Customer, { where: { id } });
    if (!c) throw new NotFoundError('customer', id);
    const phones = await this.db.manager.find(CustomerPhone, { where: { customerId: id } });
    return { ...this.view(c), phones: phones.map((p) => p.phone).sort() };
  }

  async findByPhone(raw: string): Promise<CustomerView | null> {
    const phone = normalizePhone(raw);
    if (!phone) return null;
    const hit = await this.db.manager.findOne(CustomerPhone, { where: { phone } });
    return hit ? this.get(hit.customerId) : null;
  }

  /** Creates or updates a batch of customers inside the caller's transaction (write=false: classify only). */
  upsertBatch(m: EntityManager, rows: CustomerUpsertRow[], ctx: UpsertContext, write: boolean) {
    return upsertCustomers(m, rows, ctx, write);
  }

  /** A context shared by the batches of one bulk upsert. */
  newUpsertContext(now = new Date()): UpsertContext {
    return new UpsertContext(now);
  }

  /** One page of customers with their phones, in a stable order (keyset; for exports). */
  page(q: CustomerPageQuery) {
    return pageCustomers(this.db, q);
  }

  /** Runs work in one transaction on this service's database. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
