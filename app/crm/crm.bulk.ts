// Bulk work on customers for import and export: upsert a batch of rows inside the caller's
// transaction (or classify it only, for a dry run), and page through customers by keyset.
// A row matches an existing customer by its ID, else by any of its phone numbers; an update
// replaces name / company / VIP level (those given) and adds the row's new phone numbers
// (phones already stored and not in the row are kept).
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { Customer, CustomerPhone } from './crm.entities.js';

export interface CustomerUpsertRow {
  /** Where the row came from (a sheet row number), echoed in the outcome. */
  row: number;
  id?: string;
  name: string;
  /** undefined: keep the stored value (create: ''). */
  company?: string;
  /** undefined: keep the stored value (create: 0). */
  vipLevel?: number;
  /** Normalized, distinct. */
  phones: string[];
}

export type UpsertOutcome =
  | { row: number; outcome: 'created' | 'updated' | 'unchanged'; id: string }
  | { row: number; outcome: 'rejected'; message: string };

/** State across the batches of one import: each customer is touched by one row at most. */
export class UpsertContext {
  readonly touched = new Map<string, number>();
  constructor(readonly now = new Date()) {}
}

const CHUNK = 500;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Stored = { id: string; name: string; company: string; vip_level: number };

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

export async function upsertCustomers(m: EntityManager, rows: CustomerUpsertRow[], ctx: UpsertContext, write: boolean): Promise<UpsertOutcome[]> {
  const owners = new Map<string, string>();
  const found = await selectIn<{ phone: string; customer_id: string }>(m, (p) => `SELECT phone, customer_id FROM customer_phones WHERE phone IN (${p})`, rows.flatMap((r) => r.phones));
  for (const p of found) owners.set(p.phone, p.customer_id);
  const ids = [...new Set([...rows.flatMap((r) => (r.id ? [r.id] : [])), ...owners.values()])];
  const customers = new Map<string, Stored>();
  for (const c of await selectIn<Stored>(m, (p) => `SELECT id, name, company, vip_level FROM customers WHERE id IN (${p}) AND merged_into IS NULL AND deleted_at IS NULL`, ids)) customers.set(c.id, c);

  const outcomes: UpsertOutcome[] = [];
  const inserts: unknown[][] = [];
  const phoneInserts: unknown[][] = [];
  const updates: Array<{ id: string; name: string; company: string; vipLevel: number }> = [];
  for (const r of rows) {
    const reject = (message: string) => outcomes.push({ row: r.row, outcome: 'rejected', message });
    const owning = [...new Set(r.phones.flatMap((p) => (owners.has(p) ? [owners.get(p)!] : [])))];
    let target: Stored | undefined;
    if (r.id) {
      target = customers.get(r.id);
      if (!target) {
        reject(`there is no customer with ID ${r.id} (leave the ID empty to create one)`);
        continue;
      }
      const taken = r.phones.find((p) => owners.has(p) && owners.get(p) !== r.id);
      if (taken) {
        reject(`phone ${taken} belongs to another customer (${owners.get(taken)})`);
        continue;
      }
    } else if (owning.length > 1) {
      reject(`the phone numbers belong to different customers (${owning.join(', ')})`);
      continue;
    } else if (owning.length === 1) {
      target = customers.get(owning[0]!);
      if (!target) {
        reject(`phone ${r.phones.find((p) => owners.has(p))} belongs to a customer that no longer exists`);
        continue;
      }
    }
    if (target) {
      const earlier = ctx.touched.get(target.id);
      if (earlier !== undefined) {
        reject(`row ${earlier} already updates the same customer (${target.id})`);
        continue;
      }
      ctx.touched.set(target.id, r.row);
      const next = { id: target.id, name: r.name, company: r.company ?? target.company, vipLevel: r.vipLevel ?? Number(target.vip_level) };
      const changed = next.name !== target.name || next.company !== target.company || next.vipLevel !== Number(target.vip_level);
      const added = r.phones.filter((p) => !owners.has(p));
      if (!changed && added.length === 0) {
        outcomes.push({ row: r.row, outcome: 'unchanged', id: target.id });
        continue;
      }
      updates.push(next); // new phones alone also make it an update (updated_at)
      for (const phone of added) phoneInserts.push([phone, target.id]);
      outcomes.push({ row: r.row, outcome: 'updated', id: target.id });
    } else {
      const id = randomUUID();
      ctx.touched.set(id, r.row);
      inserts.push([id, r.name, r.company ?? '', r.vipLevel ?? 0]);
      for (const phone of r.phones) phoneInserts.push([phone, id]);
      outcomes.push({ row: r.row, outcome: 'created', id });
    }
  }
  if (write) {
    // Timestamps in the form the driver stores them (TypeORM's own conversion for the column).
    const meta = m.connection.getMetadata(Customer);
    const now = m.connection.driver.preparePersistentValue(ctx.now, meta.findColumnWithPropertyName('updatedAt')!);
    await insertMany(m, 'customers', ['id', 'name', 'company', 'vip_level', 'created_at', 'updated_at'], inserts.map((r) => [...r, now, now]));
    await insertMany(m, 'customer_phones', ['phone', 'customer_id'], phoneInserts);
    for (const u of updates) {
      await m.query('UPDATE customers SET name = ?, company = ?, vip_level = ?, updated_at = ? WHERE id = ?', [u.name, u.company, u.vipLevel, now, u.id]);
    }
  }
  return outcomes;
}

export interface CustomerPageQuery {
  /** Name contains (any language). */
  name?: string;
  /** Stored (normalized) phone number contains these digits. */
  phone?: string;
  /** The last ID of the previous page. */
  after?: string | null;
  limit: number;
}

export type CustomerRow = { id: string; name: string; company: string; vipLevel: number; phones: string[]; createdAt: Date; updatedAt: Date };

const like = (s: string) => `%${s.replace(/[!%_]/g, '!$&')}%`;

/** One page in ID order (the primary key: every page is an index range), and the cursor of the next. */
export async function pageCustomers(db: DataSource, q: CustomerPageQuery): Promise<{ items: CustomerRow[]; next: string | null }> {
  const qb = db.getRepository(Customer).createQueryBuilder('c').where('c.merged_into IS NULL AND c.deleted_at IS NULL').orderBy('c.id', 'ASC').limit(q.limit);
  if (q.name) qb.andWhere(`c.name LIKE :name ESCAPE '!'`, { name: like(q.name) });
  if (q.phone) {
    qb.andWhere(`EXISTS (SELECT 1 FROM customer_phones p WHERE p.customer_id = c.id AND p.phone LIKE :phone ESCAPE '!')`, { phone: like(q.phone) });
  }
  if (q.after) qb.andWhere('c.id > :after', { after: q.after });
  const customers = await qb.getMany();
  const phones = new Map<string, string[]>();
  if (customers.length) {
    const found = await db.manager.find(CustomerPhone, { where: { customerId: In(customers.map((c) => c.id)) }, order: { phone: 'ASC' } });
    for (const p of found) phones.set(p.customerId, [...(phones.get(p.customerId) ?? []), p.phone]);
  }
  const items = customers.map((c) => ({
    id: c.id,
    name: c.name,
    company: c.company,
    vipLevel: c.vipLevel,
    phones: phones.get(c.id) ?? [],
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  }));
  const last = customers[customers.length - 1];
  return { items, next: customers.length === q.limit && last ? last.id : null };
}
