// Campaigns and their contacts as supervisors keep them: the definition, the status moves, the
// list of contacts (added by hand, from a file, from the CRM; all or nothing), and the views of
// them. The agents' work on a contact is campaign.work.ts.
import { randomUUID } from 'node:crypto';
import { Brackets, In, type DataSource, type EntityManager } from 'typeorm';
import { isDuplicateKey } from '../crm/crm.service.js';
import { normalizePhone } from '../crm/phone.js';
import { ValidationError } from '../errors.js';
import { Campaign, CampaignAttempt, CampaignContact } from './campaign.entities.js';
import {
  BadTransitionError, CampaignExistsError, CampaignFinishedError, CampaignNotFoundError, CampaignRunningError, ContactDoneError, ContactNotFoundError, NoContactsError, ResultInUseError, UnknownQueueError,
} from './campaign.errors.js';
import type { CampaignPorts } from './campaign.ports.js';
import { effectiveStatus, mayMove } from './campaign.rules.js';
import { CONTACT_STATUSES, SYSTEM_RESULTS, type CampaignDefinition, type CampaignResult, type CampaignStatus, type ContactStatus } from './campaign.schemas.js';

export type Definition = Omit<CampaignDefinition, 'name'>;
export type Counts = Record<ContactStatus | 'total', number>;
export type CampaignView = CampaignDefinition & { id: string; status: CampaignStatus; createdBy: string; createdAt: Date; updatedAt: Date; counts: Counts };
export interface NewContact {
  phone: string;
  name: string;
  fields: Record<string, string>;
  customerId?: string | null;
}
export interface AddOutcome {
  added: number;
  duplicates: Array<{ index: number; phone: string; sameAs: string | number }>;
}

const SYSTEM_LABELS: Record<string, string> = { no_answer: 'No answer', busy: 'Busy', failed: 'Failed', callback: 'Callback', no_result: 'No result' };

export const emptyCounts = (): Counts => ({ total: 0, pending: 0, reserved: 0, done: 0, unreached: 0, blocked: 0, cancelled: 0 });

export function resultLabel(results: CampaignResult[], code: string | null): string | null {
  if (!code) return null;
  return results.find((r) => r.code === code)?.label ?? SYSTEM_LABELS[code] ?? code;
}

export class CampaignService {
  constructor(
    readonly db: DataSource,
    readonly ports: CampaignPorts,
    readonly now: () => Date = () => new Date(),
  ) {}

  definitionOf(c: Campaign): Definition {
    return JSON.parse(c.definition) as Definition;
  }

  async row(name: string, m: EntityManager = this.db.manager): Promise<Campaign> {
    const c = await m.findOne(Campaign, { where: { name } });
    if (!c) throw new CampaignNotFoundError(name);
    return c;
  }

  /** Contacts per status (a hold that ran out counts as pending), for each campaign id. */
  async counts(ids: string[]): Promise<Map<string, Counts>> {
    const out = new Map(ids.map((id) => [id, emptyCounts()]));
    if (!ids.length) return out;
    const rows = await this.db.manager
      .createQueryBuilder(CampaignContact, 'c')
      .select('c.campaign_id', 'id')
      .addSelect("CASE WHEN c.status = 'reserved' AND c.reserved_until <= :now THEN 'pending' ELSE c.status END", 's')
      .addSelect('COUNT(*)', 'n')
      .where('c.campaign_id IN (:...ids)', { ids, now: this.now() })
      .groupBy('c.campaign_id')
      .addGroupBy('s')
      .getRawMany<{ id: string; s: ContactStatus; n: number | string }>();
    for (const r of rows) {
      const c = out.get(r.id)!;
      c[r.s] += Number(r.n);
      c.total += Number(r.n);
    }
    return out;
  }

  view(c: Campaign, counts: Counts): CampaignView {
    return { ...this.definitionOf(c), name: c.name, id: c.id, status: c.status, createdBy: c.createdBy, createdAt: c.createdAt, updatedAt: c.updatedAt, counts };
  }

  async list(): Promise<CampaignView[]> {
    const rows = await this.db.manager.find(Campaign, { order: { createdAt: 'DESC' } });
    const counts = await this.counts(rows.map((r) => r.id));
    return rows.map((r) => this.view(r, counts.get(r.id)!));
  }

  async get(name: string): Promise<CampaignView> {
    const c = await this.row(name);
    return this.view(c, (await this.counts([c.id])).get(c.id)!);
  }

  async create(def: CampaignDefinition, actor: string): Promise<CampaignView> {
    if (!(await this.ports.queueExists(def.queue))) throw new UnknownQueueError(def.queue);
    const { name, ...rest } = def;
    const now = this.now();
    const c = Object.assign(new Campaign(), { id: randomUUID(), name, definition: JSON.stringify(rest), status: 'draft', createdBy: actor, createdAt: now, updatedAt: now });
    if (await this.db.manager.findOne(Campaign, { where: { name } })) throw new CampaignExistsError(name);
    try {
      await this.db.manager.insert(Campaign, c);
    } catch (err) {
      if (isDuplicateKey(err)) throw new CampaignExistsError(name);
      throw err;
    }
    return this.view(c, emptyCounts());
  }

  async update(name: string, def: Definition): Promise<CampaignView> {
    const c = await this.row(name);
    if (c.status === 'finished') throw new CampaignFinishedError(`campaign ${name} is finished: its definition no longer changes`, { name });
    if (def.queue !== this.definitionOf(c).queue && !(await this.ports.queueExists(def.queue))) throw new UnknownQueueError(def.queue);
    const kept = new Set([...def.results.map((r) => r.code), ...SYSTEM_RESULTS]);
    const used = await this.db.manager.createQueryBuilder(CampaignContact, 'c').select('DISTINCT c.result', 'r').where('c.campaign_id = :id AND c.result IS NOT NULL', { id: c.id }).getRawMany<{ r: string }>();
    const gone = used.map((u) => u.r).filter((r) => !kept.has(r));
    if (gone.length) throw new ResultInUseError(`contacts have the result ${gone.join(', ')}: keep it in the list`, { results: gone });
    c.definition = JSON.stringify(def);
    c.updatedAt = this.now();
    await this.db.manager.update(Campaign, { id: c.id }, { definition: c.definition, updatedAt: c.updatedAt });
    return this.get(name);
  }

  async remove(name: string): Promise<CampaignView> {
    const v = await this.get(name);
    if (v.status === 'running') throw new CampaignRunningError(`campaign ${name} is running: pause or finish it first`, { name });
    await this.db.transaction(async (m) => {
      await m.delete(CampaignAttempt, { campaignId: v.id });
      await m.delete(CampaignContact, { campaignId: v.id });
      await m.delete(Campaign, { id: v.id });
    });
    return v;
  }

  async setStatus(name: string, to: CampaignStatus): Promise<CampaignView> {
    const v = await this.get(name);
    if (v.status === to || !mayMove(v.status, to)) throw new BadTransitionError(`a ${v.status} campaign cannot become ${to}`, { from: v.status, to });
    if (to === 'running' && v.counts.total - v.counts.cancelled === 0) throw new NoContactsError(`campaign ${name} has no contact to call: add some first`, { name });
    const r = await this.db.manager.update(Campaign, { id: v.id, status: v.status }, { status: to, updatedAt: this.now() });
    if (!r.affected) throw new BadTransitionError(`campaign ${name} changed meanwhile: try again`, { from: v.status, to });
    return this.get(name);
  }

  /**
   * Adds contacts, all or nothing: a phone that is not a number fails the whole request (nothing
   * added); a phone already in the campaign, or earlier in the list, in any spelling, is a duplicate.
   */
  async addContacts(name: string, list: NewContact[], opts: { where?: (i: number) => string; dryRun?: boolean } = {}): Promise<AddOutcome> {
    const where = opts.where ?? ((i: number) => `contacts.${i}.phone`);
    const c = await this.row(name);
    if (c.status === 'finished') throw new CampaignFinishedError(`campaign ${name} is finished: no contacts are added`, { name });
    const phones = list.map((x) => normalizePhone(x.phone));
    const bad = phones.flatMap((p, i) => (p ? [] : [{ field: where(i), message: `${list[i]!.phone} is not a phone number` }]));
    if (bad.length) throw new ValidationError(`invalid body: ${bad[0]!.field}: ${bad[0]!.message}`, bad);
    return this.db.transaction(async (m) => {
      const stored = new Map<string, string>();
      const distinct = [...new Set(phones as string[])];
      for (let i = 0; i < distinct.length; i += 500) {
        for (const r of await m.find(CampaignContact, { select: { id: true, phone: true }, where: { campaignId: c.id, phone: In(distinct.slice(i, i + 500)) } })) stored.set(r.phone, r.id);
      }
      const seen = new Map<string, number>();
      const duplicates: AddOutcome['duplicates'] = [];
      const max = await m.createQueryBuilder(CampaignContact, 'c').select('MAX(c.seq)', 'n').where('c.campaign_id = :id', { id: c.id }).getRawOne<{ n: number | string | null }>();
      let seq = Number(max?.n ?? 0);
      const now = this.now();
      const rows: CampaignContact[] = [];
      list.forEach((x, i) => {
        const phone = phones[i]!;
        const sameAs = stored.get(phone) ?? seen.get(phone);
        if (sameAs !== undefined) {
          duplicates.push({ index: i, phone: x.phone, sameAs });
          return;
        }
        seen.set(phone, i);
        rows.push(Object.assign(new CampaignContact(), {
          id: randomUUID(), campaignId: c.id, seq: ++seq, phone, name: x.name.slice(0, 100), fields: JSON.stringify(x.fields), customerId: x.customerId ?? null,
          status: 'pending', result: null, note: '', attempts: 0, nextAttemptAt: now, agentId: null, reservedUntil: null, heldBy: null, callbackAt: null, callbackAgentId: null, createdAt: now, updatedAt: now,
        }));
      });
      if (!opts.dryRun) for (let i = 0; i < rows.length; i += 200) await m.insert(CampaignContact, rows.slice(i, i + 200));
      return { added: rows.length, duplicates };
    });
  }

  async contactRow(campaign: Campaign, id: string, m: EntityManager = this.db.manager): Promise<CampaignContact> {
    const r = await m.findOne(CampaignContact, { where: { id, campaignId: campaign.id } });
    if (!r) throw new ContactNotFoundError(id);
    return r;
  }

  contactView(def: Definition, r: CampaignContact, names: Map<string, string>) {
    const now = this.now();
    const status = effectiveStatus(r.status, r.reservedUntil, now);
    const held = status === 'reserved';
    return {
      id: r.id,
      phone: r.phone,
      name: r.name,
      fields: JSON.parse(r.fields) as Record<string, string>,
      customerId: r.customerId,
      status,
      result: r.result,
      resultLabel: resultLabel(def.results, r.result),
      note: r.note,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      agentId: held || status === 'done' ? r.agentId : null,
      agentName: (held || status === 'done') && r.agentId ? (names.get(r.agentId) ?? null) : null,
      reservedUntil: held ? r.reservedUntil : null,
      callbackAt: r.callbackAt,
      updatedAt: r.updatedAt,
    };
  }

  async attemptsOf(contactId: string, def: Definition) {
    const rows = await this.db.manager.find(CampaignAttempt, { where: { contactId }, order: { requestedAt: 'ASC' } });
    return rows.map((a) => ({ id: a.id, agentId: a.agentId, agentName: a.agentName, requestedAt: a.requestedAt, placedAt: a.placedAt, endedAt: a.endedAt, dialStatus: a.dialStatus, talkSeconds: a.talkSeconds, result: a.result, resultLabel: resultLabel(def.results, a.result), note: a.note }));
  }

  async contact(name: string, id: string) {
    const c = await this.row(name);
    const def = this.definitionOf(c);
    const r = await this.contactRow(c, id);
    return { ...this.contactView(def, r, await this.ports.agentNames()), attemptsList: await this.attemptsOf(r.id, def) };
  }

  async contacts(name: string, q: { status?: ContactStatus; result?: string; q?: string; limit: number; offset: number }) {
    const c = await this.row(name);
    const def = this.definitionOf(c);
    const now = this.now();
    const qb = this.db.manager.createQueryBuilder(CampaignContact, 'c').where('c.campaign_id = :id', { id: c.id });
    if (q.status === 'pending') qb.andWhere(new Brackets((w) => w.where("c.status = 'pending'").orWhere("c.status = 'reserved' AND c.reserved_until <= :now", { now })));
    else if (q.status === 'reserved') qb.andWhere("c.status = 'reserved' AND c.reserved_until > :now", { now });
    else if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    if (q.result) qb.andWhere('c.result = :result', { result: q.result });
    if (q.q) {
      const digits = normalizePhone(q.q);
      qb.andWhere(new Brackets((w) => {
        w.where('c.name LIKE :like', { like: `%${q.q!.replace(/[\\%_]/g, '')}%` }).orWhere('c.phone LIKE :plike', { plike: `%${(digits ?? q.q!).replace(/[\\%_]/g, '')}%` });
      }));
    }
    const [rows, total] = await qb.orderBy('c.seq', 'ASC').skip(q.offset).take(q.limit).getManyAndCount();
    const names = await this.ports.agentNames();
    return { items: rows.map((r) => this.contactView(def, r, names)), total };
  }

  /** A supervisor takes a contact off the list (a done one stays done). */
  async cancel(name: string, id: string): Promise<void> {
    const c = await this.row(name);
    const r = await this.contactRow(c, id);
    if (r.status === 'done') throw new ContactDoneError(`contact ${id} is done: it stays in the results`, { id });
    await this.db.manager.update(CampaignContact, { id: r.id }, { status: 'cancelled', agentId: null, reservedUntil: null, heldBy: null, updatedAt: this.now() });
  }
}

export const isContactStatus = (s: string): s is ContactStatus => (CONTACT_STATUSES as readonly string[]).includes(s);
