// Companies and their contacts. A contact is a customer linked to a company with a role
// (title) there; a customer may be a contact of several companies.
import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { Company, CompanyContact, Customer } from './crm.entities.js';

export interface CompanyView {
  id: string;
  name: string;
  address: string;
  region: string;
  createdAt: Date;
  updatedAt: Date;
}
export interface ContactView {
  customerId: string;
  name: string;
  role: string;
  phones: string[];
}
const like = (s: string) => `%${s.replace(/[!%_]/g, '!$&')}%`;

export class Companies {
  constructor(
    private readonly db: DataSource,
    private readonly active: (m: EntityManager, id: string) => Promise<Customer>,
  ) {}

  async create(input: { name: string; address: string; region: string }): Promise<CompanyView> {
    const now = new Date();
    const c: Company = { id: randomUUID(), ...input, createdAt: now, updatedAt: now };
    await this.db.manager.insert(Company, c);
    return c;
  }

  private async existing(m: EntityManager, id: string): Promise<Company> {
    const c = await m.findOne(Company, { where: { id } });
    if (!c) throw new NotFoundError('company', id);
    return c;
  }

  async get(id: string): Promise<CompanyView & { contacts: ContactView[] }> {
    const m = this.db.manager;
    const c = await this.existing(m, id);
    const rows = (await m.query(
      `SELECT cc.customer_id AS customerId, cu.name AS name, cc.role AS role, p.phone AS phone
         FROM company_contacts cc JOIN customers cu ON cu.id = cc.customer_id LEFT JOIN customer_phones p ON p.customer_id = cc.customer_id
        WHERE cc.company_id = ? AND cu.deleted_at IS NULL AND cu.merged_into IS NULL ORDER BY cu.name, cc.customer_id, p.phone`,
      [id],
    )) as Array<{ customerId: string; name: string; role: string; phone: string | null }>;
    const contacts = new Map<string, ContactView>();
    for (const r of rows) {
      const v = contacts.get(r.customerId) ?? { customerId: r.customerId, name: r.name, role: r.role, phones: [] };
      if (r.phone) v.phones.push(r.phone);
      contacts.set(r.customerId, v);
    }
    return { ...c, contacts: [...contacts.values()] };
  }

  /** Companies whose name contains `name`, by name, each with how many (active) customers are its contacts. */
  async list(q: { name?: string; limit: number; offset: number }): Promise<{ items: Array<CompanyView & { contactCount: number }>; total: number; limit: number; offset: number }> {
    const qb = this.db.manager.createQueryBuilder(Company, 'co').orderBy('co.name', 'ASC').addOrderBy('co.id', 'ASC').offset(q.offset).limit(q.limit);
    if (q.name) qb.where(`co.name LIKE :name ESCAPE '!'`, { name: like(q.name) });
    const [companies, total] = await Promise.all([qb.getMany(), qb.getCount()]);
    const counts = new Map<string, number>();
    if (companies.length) {
      const rows = (await this.db.manager.query(
        `SELECT cc.company_id AS companyId, COUNT(*) AS n FROM company_contacts cc JOIN customers cu ON cu.id = cc.customer_id
          WHERE cc.company_id IN (${companies.map(() => '?').join(',')}) AND cu.deleted_at IS NULL AND cu.merged_into IS NULL GROUP BY cc.company_id`,
        companies.map((c) => c.id),
      )) as Array<{ companyId: string; n: number | string }>;
      for (const r of rows) counts.set(r.companyId, Number(r.n));
    }
    return { items: companies.map((c) => ({ ...c, contactCount: counts.get(c.id) ?? 0 })), total, limit: q.limit, offset: q.offset };
  }

  /** Deletes a company and its contact links; the customers stay as they are (their own company text too). */
  async remove(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.existing(m, id);
      await m.delete(CompanyContact, { companyId: id });
      await m.delete(Company, { id });
    });
  }

  async patch(id: string, p: { name?: string; address?: string; region?: string }): Promise<CompanyView> {
    await this.db.transaction(async (m) => {
      await this.existing(m, id);
      await m.update(Company, { id }, { ...p, updatedAt: new Date() });
    });
    return this.existing(this.db.manager, id);
  }

  /** Links a customer to a company (or changes its role there). */
  async addContact(companyId: string, customerId: string, role: string): Promise<CompanyView & { contacts: ContactView[] }> {
    await this.db.transaction(async (m) => {
      await this.existing(m, companyId);
      await this.active(m, customerId);
      const had = await m.findOne(CompanyContact, { where: { companyId, customerId } });
      if (had) await m.update(CompanyContact, { companyId, customerId }, { role });
      else await m.insert(CompanyContact, { companyId, customerId, role, createdAt: new Date() });
    });
    return this.get(companyId);
  }

  async removeContact(companyId: string, customerId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.existing(m, companyId);
      const res = await m.delete(CompanyContact, { companyId, customerId });
      if (!res.affected) throw new NotFoundError(`contact of company ${companyId}: customer`, customerId);
    });
  }
}
