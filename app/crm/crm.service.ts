// The CRM's business logic: customers (create, read, change, soft delete, tags), search,
// screen pop, and the entry points other modules call (recordInteraction, reminders, bulk
// upsert for the Excel import). Merge, timeline, reminders and companies live in their own
// files (crm.merge.ts, crm.timeline.ts, crm.reminders.ts, crm.companies.ts) and are exposed here.
import { randomUUID } from 'node:crypto';
import { In, IsNull, Not, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../errors.js';
import { Customer, CustomerEmail, CustomerPhone, CustomerTag, Interaction, Reminder } from './crm.entities.js';
import { CustomerDeletedError, CustomerMergedError, CustomFieldsTooLargeError, PhoneTakenError, TooManyTagsError } from './crm.errors.js';
import { customFieldsProblem, type CreateCustomerInput, type CustomerListQuery, type CustomFields, type PatchCustomerInput } from './crm.schemas.js';
import { loadViews, parseFields, type CustomerView } from './crm.views.js';
import { listCustomers } from './crm.search.js';
import { mergeCustomers, type MergeResult } from './crm.merge.js';
import { customerTimeline, type CallHistoryPort, type TimelineItem } from './crm.timeline.js';
import { Reminders, type ReminderPeople } from './crm.reminders.js';
import { Companies } from './crm.companies.js';
import { normalizePhone } from './phone.js';
import { popData, type PopReminder } from './crm.pop.js';
import { pageCustomers, upsertCustomers, UpsertContext, type CustomerPageQuery, type CustomerUpsertRow } from './crm.bulk.js';

export type { CustomerView } from './crm.views.js';

export interface InteractionInput {
  customerId: string;
  /** call | ticket | note | callback | ... (lower case, ≤ 32 characters) */
  kind: string;
  refId?: string | null;
  summary: string;
  actor?: string;
  at?: Date;
}

export type ScreenPop =
  | { known: true; phone: string; customer: CustomerView; lastInteractions: TimelineItem[]; openReminders: PopReminder[] }
  | { known: false; phone: string | null; createOffer: { name: ''; phones: string[] } };

const KIND = /^[a-z][a-z0-9_.-]{0,31}$/;

/** A duplicate-key error from either driver (a race with another writer on a unique key). */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}

export class CrmService {
  readonly reminders: Reminders;
  readonly companies: Companies;

  constructor(
    private readonly db: DataSource,
    private readonly ports: { calls?: CallHistoryPort; people?: ReminderPeople } = {},
  ) {
    this.reminders = new Reminders(db, (m, id) => this.active(m, id), ports.people);
    this.companies = new Companies(db, (m, id) => this.active(m, id));
  }

  /** A customer that may be changed: exists, not deleted, not merged away. */
  async active(m: EntityManager, id: string): Promise<Customer> {
    const c = await m.findOne(Customer, { where: { id } });
    if (!c) throw new NotFoundError('customer', id);
    if (c.mergedInto) throw new CustomerMergedError(id, c.mergedInto);
    if (c.deletedAt) throw new CustomerDeletedError(id);
    return c;
  }

  private async assertPhonesFree(m: EntityManager, phones: string[], self?: string): Promise<void> {
    if (!phones.length) return;
    const taken = await m.find(CustomerPhone, { where: { phone: In(phones) } });
    const other = taken.find((p) => p.customerId !== self);
    if (other) throw new PhoneTakenError(other.phone, other.customerId);
  }

  /** Runs a write; a unique-key race on a phone number becomes 409 phone_taken. */
  private async write<T>(phones: string[], work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } catch (err) {
      if (isDuplicateKey(err)) throw new PhoneTakenError(phones.join(', '));
      throw err;
    }
  }

  async create(input: CreateCustomerInput, actor = ''): Promise<CustomerView> {
    const id = randomUUID();
    await this.write(input.phones, async (m) => {
      await this.assertPhonesFree(m, input.phones);
      const now = new Date();
      const fields = Object.keys(input.customFields).length ? JSON.stringify(input.customFields) : null;
      await m.insert(Customer, {
        id, name: input.name, company: input.company, address: input.address, region: input.region, vipLevel: input.vipLevel,
        customFields: fields, mergedInto: null, deletedAt: null, createdAt: now, updatedAt: now,
      });
      if (input.phones.length) await m.insert(CustomerPhone, input.phones.map((phone) => ({ phone, customerId: id })));
      if (input.emails.length) await m.insert(CustomerEmail, input.emails.map((email) => ({ email, customerId: id })));
      if (input.tags.length) await m.insert(CustomerTag, input.tags.map((tag) => ({ tag, customerId: id })));
      if (actor) await this.interaction(m, { customerId: id, kind: 'created', summary: 'customer created', actor, at: now });
    });
    return this.get(id);
  }

  /**
   * A customer by ID. A merged customer answers with its survivor and `mergedFrom` (the ID
   * asked for); a deleted one with 410 customer_deleted.
   */
  async get(id: string): Promise<CustomerView & { mergedFrom?: string }> {
    let c = await this.db.manager.findOne(Customer, { where: { id } });
    if (!c) throw new NotFoundError('customer', id);
    // Merges are flattened (a survivor that is merged later re-points its merged ones), but
    // follow a few hops anyway.
    for (let hops = 0; c.mergedInto && hops < 5; hops++) {
      const next: Customer | null = await this.db.manager.findOne(Customer, { where: { id: c.mergedInto } });
      if (!next) break;
      c = next;
    }
    if (c.deletedAt) throw new CustomerDeletedError(c.id);
    const [view] = await loadViews(this.db.manager, [c]);
    return c.id === id ? view! : { ...view!, mergedFrom: id };
  }

  async patch(id: string, p: PatchCustomerInput, actor = ''): Promise<CustomerView> {
    await this.write(p.phones ?? [], async (m) => {
      const c = await this.active(m, id);
      const set: Partial<Customer> = { updatedAt: new Date() };
      for (const k of ['name', 'company', 'address', 'region', 'vipLevel'] as const) if (p[k] !== undefined) (set as Record<string, unknown>)[k] = p[k];
      if (p.customFields) {
        const fields: CustomFields = { ...parseFields(c.customFields) };
        for (const [k, v] of Object.entries(p.customFields)) {
          if (v === null) delete fields[k];
          else fields[k] = v;
        }
        const problem = customFieldsProblem(fields);
        if (problem) throw new CustomFieldsTooLargeError(problem);
        set.customFields = Object.keys(fields).length ? JSON.stringify(fields) : null;
      }
      if (p.phones) {
        await this.assertPhonesFree(m, p.phones, id);
        await this.replace(m, CustomerPhone, 'phone', id, p.phones);
      }
      if (p.emails) await this.replace(m, CustomerEmail, 'email', id, p.emails);
      if (p.tags) await this.replace(m, CustomerTag, 'tag', id, p.tags);
      await m.update(Customer, { id }, set);
      if (actor) await this.interaction(m, { customerId: id, kind: 'updated', summary: `changed: ${Object.keys(p).join(', ')}`, actor });
    });
    return this.get(id);
  }

  /** Makes a customer's list of phones/emails/tags exactly `values` (rows kept, added, removed). */
  private async replace(m: EntityManager, entity: typeof CustomerPhone | typeof CustomerEmail | typeof CustomerTag, col: 'phone' | 'email' | 'tag', id: string, values: string[]): Promise<void> {
    const rows = (await m.find(entity, { where: { customerId: id } })) as unknown as Array<Record<string, string>>;
    const have = new Set(rows.map((r) => r[col]!));
    const gone = [...have].filter((v) => !values.includes(v));
    const added = values.filter((v) => !have.has(v));
    if (gone.length) await m.delete(entity, { customerId: id, [col]: In(gone) });
    if (added.length) await m.insert(entity, added.map((v) => ({ customerId: id, [col]: v })));
  }

  /**
   * Soft delete: the row, its emails, tags, interactions and reminders stay; its phone numbers
   * are released (the caller becomes unknown; the numbers are noted in the timeline) and it
   * leaves lists, search and screen pop. Open reminders are closed.
   */
  async remove(id: string, actor = ''): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.active(m, id);
      const now = new Date();
      const phones = await m.find(CustomerPhone, { where: { customerId: id } });
      await m.delete(CustomerPhone, { customerId: id });
      await m.update(Reminder, { customerId: id, status: Not('done') }, { status: 'done', doneAt: now });
      await m.update(Customer, { id }, { deletedAt: now, updatedAt: now });
      await this.interaction(m, { customerId: id, kind: 'deleted', summary: `customer deleted; phones released: ${phones.map((p) => p.phone).join(', ') || 'none'}`, actor, at: now });
    });
  }

  async addTags(id: string, tags: string[]): Promise<string[]> {
    await this.db.transaction(async (m) => {
      await this.active(m, id);
      const have = new Set((await m.find(CustomerTag, { where: { customerId: id } })).map((t) => t.tag));
      const added = tags.filter((t) => !have.has(t));
      if (have.size + added.length > 50) throw new TooManyTagsError(have.size, added.length);
      if (added.length) await m.insert(CustomerTag, added.map((tag) => ({ tag, customerId: id })));
      await m.update(Customer, { id }, { updatedAt: new Date() });
    });
    return (await this.db.manager.find(CustomerTag, { where: { customerId: id }, order: { tag: 'ASC' } })).map((t) => t.tag);
  }

  async removeTag(id: string, tag: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.active(m, id);
      const res = await m.delete(CustomerTag, { customerId: id, tag });
      if (!res.affected) throw new NotFoundError(`tag of customer ${id}:`, tag);
      await m.update(Customer, { id }, { updatedAt: new Date() });
    });
  }

  list(q: CustomerListQuery): Promise<{ items: CustomerView[]; total: number; limit: number; offset: number }> {
    return listCustomers(this.db.manager, q);
  }

  /** Customers' names by id (deleted or merged ones too: a name once shown stays readable). */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(Customer, { select: { id: true, name: true }, where: { id: In(ids) } });
    return new Map(rows.map((c) => [c.id, c.name]));
  }

  /** The active customer with this number (any written form), or null. */
  async findByPhone(raw: string): Promise<CustomerView | null> {
    const phone = normalizePhone(raw);
    if (!phone) return null;
    const hit = await this.db.manager.findOne(CustomerPhone, { where: { phone } });
    if (!hit) return null;
    const c = await this.db.manager.findOne(Customer, { where: { id: hit.customerId, deletedAt: IsNull(), mergedInto: IsNull() } });
    return c ? (await loadViews(this.db.manager, [c]))[0]! : null;
  }

  /**
   * What an agent's screen shows when a call rings: the customer, its last 5 interactions
   * (calls included) and open reminders; or, for an unknown number, an offer to create one.
   * Two round trips of indexed lookups (see crm.pop.ts).
   */
  async screenPop(raw: string): Promise<ScreenPop> {
    const phone = normalizePhone(raw);
    const unknown = { known: false as const, phone, createOffer: { name: '' as const, phones: phone ? [phone] : [] } };
    if (!phone) return unknown;
    const found = await popData(this.db.manager, this.ports.calls, phone);
    return found ? { known: true, phone, ...found } : unknown;
  }

  /** For other modules (tickets, calls, callbacks): adds an entry to a customer's timeline. A merged customer's entries go to its survivor. */
  async recordInteraction(input: InteractionInput): Promise<{ id: string; customerId: string }> {
    if (!KIND.test(input.kind)) throw new TypeError(`interaction kind "${input.kind}" must match ${KIND}`);
    return this.db.transaction(async (m) => {
      let c = await m.findOne(Customer, { where: { id: input.customerId } });
      if (c?.mergedInto) c = await m.findOne(Customer, { where: { id: c.mergedInto } });
      if (!c) throw new NotFoundError('customer', input.customerId);
      const id = await this.interaction(m, { ...input, customerId: c.id });
      return { id, customerId: c.id };
    });
  }

  private async interaction(m: EntityManager, i: InteractionInput): Promise<string> {
    const id = randomUUID();
    await m.insert(Interaction, { id, customerId: i.customerId, kind: i.kind, refId: i.refId ?? null, summary: i.summary.slice(0, 2000), actor: (i.actor ?? '').slice(0, 128), at: i.at ?? new Date() });
    return id;
  }

  /** An agent's note on the timeline. */
  async addNote(customerId: string, text: string, actor: string): Promise<TimelineItem> {
    const at = new Date();
    const id = await this.db.transaction(async (m) => {
      await this.active(m, customerId);
      return this.interaction(m, { customerId, kind: 'note', summary: text, actor, at });
    });
    return { id, kind: 'note', at, refId: null, summary: text, actor, source: 'interaction' };
  }

  /** Newest first: the customer's interactions and the calls from its phone numbers. */
  async timeline(customerId: string, q: { limit: number; before?: string }): Promise<{ items: TimelineItem[]; next: string | null }> {
    const c = await this.db.manager.findOne(Customer, { where: { id: customerId } });
    if (!c) throw new NotFoundError('customer', customerId);
    const id = c.mergedInto ?? c.id;
    const phones = (await this.db.manager.find(CustomerPhone, { where: { customerId: id } })).map((p) => p.phone);
    return customerTimeline(this.db.manager, this.ports.calls, id, phones, q);
  }

  /** Merges `duplicateId` into `survivorId` in one transaction (see crm.merge.ts). */
  async merge(survivorId: string, duplicateId: string, actor = ''): Promise<{ customer: CustomerView; moved: MergeResult }> {
    const moved = await this.db.transaction((m) => mergeCustomers(m, survivorId, duplicateId, actor, (mm, id) => this.active(mm, id)));
    return { customer: await this.get(survivorId), moved };
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
