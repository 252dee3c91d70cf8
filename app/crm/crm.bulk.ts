// Bulk work on customers for import and export: upsert a batch of rows inside the caller's
// transaction (or classify it only, for a dry run), and page through customers by keyset
// (the customer search's filters, customer-filters.ts).
// A row matches an existing customer by its ID, else by any of its phone numbers; an update
// replaces name / company / address / region / VIP level (those given), adds the row's new
// phone numbers, emails and tags (stored ones not in the row are kept) and sets the custom
// fields it gives (others are kept).
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { Customer, CustomerEmail, CustomerPhone, CustomerTag } from './crm.entities.js';
import { customFieldsProblem, type CustomFields } from './crm.schemas.js';
import { group, parseFields, type CustomerView } from './crm.views.js';
import { whereCustomersMatch, type CustomerFilters } from './customer-filters.js';

export interface CustomerUpsertRow {
  /** Where the row came from (a sheet row number), echoed in the outcome. */
  row: number;
  id?: string;
  name: string;
  /** undefined: keep the stored value (create: ''); the same for address and region. */
  company?: string;
  address?: string;
  region?: string;
  /** undefined: keep the stored value (create: 0). */
  vipLevel?: number;
  /** Normalized, distinct. */
  phones: string[];
  /** Normalized (crm.schemas email / tag), distinct; added to the stored ones. */
  emails?: string[];
  tags?: string[];
  /** Custom fields to set (the others are kept). */
  customFields?: CustomFields;
}

/** Why a row is refused against the customers already stored. */
export const UPSERT_REJECTIONS = ['no_such_customer', 'phone_taken', 'phones_split', 'customer_gone', 'custom_fields', 'too_many_tags', 'too_many_emails', 'same_customer'] as const;
export type UpsertRejection = (typeof UPSERT_REJECTIONS)[number];

export type UpsertOutcome =
  | { row: number; outcome: 'created' | 'updated' | 'unchanged'; id: string }
  | { row: number; outcome: 'rejected'; message: string; code: UpsertRejection; params?: Record<string, string | number> };

/** State across the batches of one import: each customer is touched by one row at most. */
export class UpsertContext {
  readonly touched = new Map<string, number>();
  constructor(readonly now = new Date()) {}
}

const CHUNK = 500;
const MAX_TAGS = 50;
const MAX_EMAILS = 20;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Stored = { id: string; name: string; company: string; address: string; region: string; vip_level: number; custom_fields: string | null };

/** SELECT ... IN (...) in chunks, with the driver's raw rows (no entity objects: a bulk path). */
async function selectIn<T>(m: EntityManager, sql: (placeholders: string) => string, values: string[]): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks(values)) out.push(...((await m.query(sql(chunk.map(() => '?').join(', ')), chunk)) as T[]));
  return out;
}

async function insertMany(m: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const per = Math.floor(900 / columns.length);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (const chunk of chunks(rows, per)) {
    await m.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`, chunk.flat());
  }
}

/** customer id -> stored values of a (customer_id, value) table. */
async function storedLists(m: EntityManager, table: 'customer_emails' | 'customer_tags', column: 'email' | 'tag', ids: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (!ids.length) return out;
  for (const r of await selectIn<{ customer_id: string; v: string }>(m, (p) => `SELECT customer_id, ${column} AS v FROM ${table} WHERE customer_id IN (${p})`, ids)) {
    const set = out.get(r.customer_id) ?? new Set<string>();
    set.add(r.v);
    out.set(r.customer_id, set);
  }
  return out;
}

const fieldsJson = (f: CustomFields) => (Object.keys(f).length ? JSON.stringify(f) : null);
const sameFields = (a: CustomFields, b: CustomFields) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

export async function upsertCustomers(m: EntityManager, rows: CustomerUpsertRow[], ctx: UpsertContext, write: boolean): Promise<UpsertOutcome[]> {
  const owners = new Map<string, string>();
  const found = await selectIn<{ phone: string; customer_id: string }>(m, (p) => `SELECT phone, customer_id FROM customer_phones WHERE phone IN (${p})`, rows.flatMap((r) => r.phones));
  for (const p of found) owners.set(p.phone, p.customer_id);
  const ids = [...new Set([...rows.flatMap((r) => (r.id ? [r.id] : [])), ...owners.values()])];
  const customers = new Map<string, Stored>();
  const columns = 'id, name, company, address, region, vip_level, custom_fields';
  for (const c of await selectIn<Stored>(m, (p) => `SELECT ${columns} FROM customers WHERE id IN (${p}) AND merged_into IS NULL AND deleted_at IS NULL`, ids)) customers.set(c.id, c);
  const wantsLists = rows.some((r) => r.emails?.length || r.tags?.length);
  const storedEmails = wantsLists ? await storedLists(m, 'customer_emails', 'email', [...customers.keys()]) : new Map<string, Set<string>>();
  const storedTags = wantsLists ? await storedLists(m, 'customer_tags', 'tag', [...customers.keys()]) : new Map<string, Set<string>>();

  const outcomes: UpsertOutcome[] = [];
  const inserts: unknown[][] = [];
  const phoneInserts: unknown[][] = [];
  const emailInserts: unknown[][] = [];
  const tagInserts: unknown[][] = [];
  const updates: unknown[][] = [];
  for (const r of rows) {
    const reject = (message: string, code: UpsertRejection, params?: Record<string, string | number>) =>
      outcomes.push({ row: r.row, outcome: 'rejected', message, code, ...(params ? { params } : {}) });
    const owning = [...new Set(r.phones.flatMap((p) => (owners.has(p) ? [owners.get(p)!] : [])))];
    let target: Stored | undefined;
    if (r.id) {
      target = customers.get(r.id);
      if (!target) {
        reject(`there is no customer with ID ${r.id} (leave the ID empty to create one)`, 'no_such_customer', { id: r.id });
        continue;
      }
      const taken = r.phones.find((p) => owners.has(p) && owners.get(p) !== r.id);
      if (taken) {
        reject(`phone ${taken} belongs to another customer (${owners.get(taken)})`, 'phone_taken', { phone: taken });
        continue;
      }
    } else if (owning.length > 1) {
      reject(`the phone numbers belong to different customers (${owning.join(', ')})`, 'phones_split');
      continue;
    } else if (owning.length === 1) {
      target = customers.get(owning[0]!);
      if (!target) {
        reject(`phone ${r.phones.find((p) => owners.has(p))} belongs to a customer that no longer exists`, 'customer_gone', { phone: r.phones.find((p) => owners.has(p)) ?? '' });
        continue;
      }
    }
    const id = target?.id ?? randomUUID();
    const stored = target ? parseFields(target.custom_fields) : {};
    const fields: CustomFields = { ...stored, ...r.customFields };
    const problem = customFieldsProblem(fields);
    const haveEmails = storedEmails.get(id) ?? new Set<string>();
    const haveTags = storedTags.get(id) ?? new Set<string>();
    const newEmails = (r.emails ?? []).filter((e) => !haveEmails.has(e));
    const newTags = (r.tags ?? []).filter((t) => !haveTags.has(t));
    if (problem) {
      reject(problem, 'custom_fields');
      continue;
    }
    if (haveTags.size + newTags.length > MAX_TAGS) {
      reject(`a customer has at most ${MAX_TAGS} tags (has ${haveTags.size}, adding ${newTags.length})`, 'too_many_tags', { max: MAX_TAGS });
      continue;
    }
    if (haveEmails.size + newEmails.length > MAX_EMAILS) {
      reject(`a customer has at most ${MAX_EMAILS} email addresses (has ${haveEmails.size}, adding ${newEmails.length})`, 'too_many_emails', { max: MAX_EMAILS });
      continue;
    }
    if (target) {
      const earlier = ctx.touched.get(target.id);
      if (earlier !== undefined) {
        reject(`row ${earlier} already updates the same customer (${target.id})`, 'same_customer', { row: earlier });
        continue;
      }
      ctx.touched.set(target.id, r.row);
      const next = {
        name: r.name,
        company: r.company ?? target.company,
        address: r.address ?? target.address,
        region: r.region ?? target.region,
        vipLevel: r.vipLevel ?? Number(target.vip_level),
      };
      const changed =
        next.name !== target.name || next.company !== target.company || next.address !== target.address || next.region !== target.region ||
        next.vipLevel !== Number(target.vip_level) || !sameFields(fields, stored);
      const added = r.phones.filter((p) => !owners.has(p));
      if (!changed && added.length === 0 && newEmails.length === 0 && newTags.length === 0) {
        outcomes.push({ row: r.row, outcome: 'unchanged', id: target.id });
        continue;
      }
      // New phones, emails or tags alone also make it an update (updated_at).
      updates.push([next.name, next.company, next.address, next.region, next.vipLevel, fieldsJson(fields), target.id]);
      for (const phone of added) phoneInserts.push([phone, target.id]);
      outcomes.push({ row: r.row, outcome: 'updated', id: target.id });
    } else {
      ctx.touched.set(id, r.row);
      inserts.push([id, r.name, r.company ?? '', r.address ?? '', r.region ?? '', r.vipLevel ?? 0, fieldsJson(fields)]);
      for (const phone of r.phones) phoneInserts.push([phone, id]);
      outcomes.push({ row: r.row, outcome: 'created', id });
    }
    for (const email of newEmails) emailInserts.push([id, email]);
    for (const tag of newTags) tagInserts.push([id, tag]);
  }
  if (write) {
    // Timestamps in the form the driver stores them (TypeORM's own conversion for the column).
    const meta = m.connection.getMetadata(Customer);
    const now = m.connection.driver.preparePersistentValue(ctx.now, meta.findColumnWithPropertyName('updatedAt')!);
    await insertMany(m, 'customers', ['id', 'name', 'company', 'address', 'region', 'vip_level', 'custom_fields', 'created_at', 'updated_at'], inserts.map((r) => [...r, now, now]));
    await insertMany(m, 'customer_phones', ['phone', 'customer_id'], phoneInserts);
    await insertMany(m, 'customer_emails', ['customer_id', 'email'], emailInserts);
    await insertMany(m, 'customer_tags', ['customer_id', 'tag'], tagInserts);
    for (const u of updates) {
      await m.query('UPDATE customers SET name = ?, company = ?, address = ?, region = ?, vip_level = ?, custom_fields = ?, updated_at = ? WHERE id = ?', [...u.slice(0, 6), now, u[6]]);
    }
  }
  return outcomes;
}

/** The customer search's filters (customer-filters.ts) and the keyset. */
export interface CustomerPageQuery extends CustomerFilters {
  /** The last ID of the previous page. */
  after?: string | null;
  limit: number;
}

/** A customer as the export writes it: the API's view without custom fields and companies (phones, emails and tags sorted). */
export type CustomerRow = Pick<CustomerView, 'id' | 'name' | 'company' | 'address' | 'region' | 'vipLevel' | 'phones' | 'emails' | 'tags' | 'createdAt' | 'updatedAt'>;

/** One page in ID order (the primary key: every page is an index range), and the cursor of the next. */
export async function pageCustomers(db: DataSource, q: CustomerPageQuery): Promise<{ items: CustomerRow[]; next: string | null }> {
  const qb = whereCustomersMatch(db.getRepository(Customer).createQueryBuilder('c').where('c.merged_into IS NULL AND c.deleted_at IS NULL'), q).orderBy('c.id', 'ASC').limit(q.limit);
  if (q.after) qb.andWhere('c.id > :after', { after: q.after });
  const customers = await qb.getMany();
  // The page's phones, emails and tags: one query per table.
  const ids = customers.map((c) => c.id);
  const [phones, emails, tags] = ids.length
    ? await Promise.all([
        db.manager.find(CustomerPhone, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.phone)),
        db.manager.find(CustomerEmail, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.email)),
        db.manager.find(CustomerTag, { where: { customerId: In(ids) } }).then((r) => group(r, (x) => x.customerId, (x) => x.tag)),
      ])
    : [new Map<string, string[]>(), new Map<string, string[]>(), new Map<string, string[]>()];
  const items = customers.map((c) => ({
    id: c.id,
    name: c.name,
    company: c.company,
    address: c.address,
    region: c.region,
    vipLevel: c.vipLevel,
    phones: phones.get(c.id) ?? [],
    emails: emails.get(c.id) ?? [],
    tags: tags.get(c.id) ?? [],
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }));
  const last = customers[customers.length - 1];
  return { items, next: customers.length === q.limit && last ? last.id : null };
}
