// Customers as the API shows them: the row plus phones, emails, tags and companies, loaded
// for a whole page at once (one query per table, never one per customer).
import { In, type EntityManager } from 'typeorm';
import { Customer, CustomerEmail, CustomerPhone, CustomerTag } from './crm.entities.js';
import type { CustomFields } from './crm.schemas.js';

export interface CompanyLink {
  id: string;
  name: string;
  role: string;
}

export interface CustomerView {
  id: string;
  name: string;
  company: string;
  address: string;
  region: string;
  vipLevel: number;
  phones: string[];
  emails: string[];
  tags: string[];
  customFields: CustomFields;
  /** The companies this customer is a contact of, with the role there. */
  companies: CompanyLink[];
  createdAt: Date;
  updatedAt: Date;
  /** Set when the customer was deleted (soft). */
  deletedAt?: Date;
}

export function parseFields(json: string | null): CustomFields {
  if (!json) return {};
  const parsed = JSON.parse(json) as CustomFields;
  return Object.assign(Object.create(null) as CustomFields, parsed);
}

/** Values per key, each list sorted (one query's rows grouped by customer). */
export function group<T>(rows: T[], key: (r: T) => string, value: (r: T) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(value(r));
    else out.set(k, [value(r)]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

export async function contactLinks(m: EntityManager, customerIds: string[]): Promise<Map<string, CompanyLink[]>> {
  const out = new Map<string, CompanyLink[]>();
  if (!customerIds.length) return out;
  const rows = (await m.query(
    `SELECT cc.customer_id AS cid, co.id AS id, co.name AS name, cc.role AS role FROM company_contacts cc JOIN companies co ON co.id = cc.company_id WHERE cc.customer_id IN (${customerIds.map(() => '?').join(', ')}) ORDER BY co.name`,
    customerIds,
  )) as Array<{ cid: string } & CompanyLink>;
  for (const r of rows) out.set(r.cid, [...(out.get(r.cid) ?? []), { id: r.id, name: r.name, role: r.role }]);
  return out;
}

export async function loadViews(m: EntityManager, customers: Customer[], phonesKnown?: Map<string, string[]>): Promise<CustomerView[]> {
  if (!customers.length) return [];
  const ids = customers.map((c) => c.id);
  const [phones, emails, tags, links] = await Promise.all([
    phonesKnown ?? m.find(CustomerPhone, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.phone)),
    m.find(CustomerEmail, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.email)),
    m.find(CustomerTag, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.tag)),
    contactLinks(m, ids),
  ]);
  return customers.map((c) => ({
    id: c.id,
    name: c.name,
    company: c.company,
    address: c.address,
    region: c.region,
    vipLevel: c.vipLevel,
    phones: phones.get(c.id) ?? [],
    emails: emails.get(c.id) ?? [],
    tags: tags.get(c.id) ?? [],
    customFields: { ...parseFields(c.customFields) },
    companies: links.get(c.id) ?? [],
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(c.deletedAt ? { deletedAt: c.deletedAt } : {}),
  }));
}
