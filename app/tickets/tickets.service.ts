// Tickets: create (references checked through their modules' services), change (explicit
// status machine, SLA recomputed on a priority change, every field change in the history),
// comments, and reads. Each write is one transaction; bad input changes nothing.
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SchedulerService } from '../scheduler/index.js';
import { PRIORITY_RANK, Ticket, TicketAttachment, TicketCounter, TicketComment, TicketHistory, type TicketStatus } from './tickets.entities.js';
import { AssigneeDisabledError, AssigneeNotAssignableError, CustomerHasNoEmailError, MailNotConfiguredError, TicketMergedError, TransitionNotAllowedError, UnknownReferenceError } from './tickets.errors.js';
import { isWorker, nameOr, withAssigneeNames, WORKER_ROLES, type TicketPeople } from './tickets.people.js';
import { listTickets } from './tickets.query.js';
import type { CommentInput, CreateTicketInput, ListQuery, UpdateTicketInput } from './tickets.schemas.js';
import { TicketMail } from './tickets.mail.js';
import type { Mailer } from '../mail/mailer.js';
import { deadline, nextDue } from './tickets.sla.js';
import { lockFor, SLA_ACTOR, TicketSla } from './tickets.sla-jobs.js';
import { canTransition, isOpen, TRANSITIONS } from './tickets.transitions.js';
import { attachmentView, commentView, historyView, recordHistory, ticketView, type Change, type TicketView } from './tickets.view.js';

/** What the tickets module needs from other modules (their services, never their tables). */
export interface TicketsDeps {
  db: DataSource;
  /** CrmService: throws NotFoundError for an unknown customer; a new ticket goes on the customer's timeline. */
  customers: {
    get(id: string): Promise<{ emails?: string[] }>;
    recordInteraction(input: { customerId: string; kind: string; refId?: string | null; summary: string; actor?: string; at?: Date }): Promise<unknown>;
  };
  /** CallsService: throws NotFoundError for an unknown call record. */
  calls: { get(id: string): Promise<unknown> };
  /** The auth module's user store. */
  users: { findById(id: string): Promise<{ disabled: boolean | number; role: string } | null> };
  /** The auth module's People: names for ids and usernames, the users of some roles. */
  people: TicketPeople;
  scheduler: SchedulerService;
  /** Replies e-mailed to customers (none: no SMTP server, such a reply is refused). */
  mail?: { mailer: Mailer | null; from: string; attempts: number; retryMs: number };
  log: Logger;
}

/**
 * What happened to a ticket, for listeners outside the module (webhooks), told after the
 * change committed. `ticket` is the view when it is at hand; otherwise read it with get(ticketId).
 */
export type TicketChangeEvent =
  | { type: 'created'; ticketId: string; ticket: TicketView; actor: string; at: Date }
  | { type: 'updated'; ticketId: string; ticket?: TicketView; changes: Change[]; actor: string; at: Date }
  | { type: 'commented'; ticketId: string; comment: ReturnType<typeof commentView>; actor: string; at: Date };
export type TicketListener = (e: TicketChangeEvent) => void;

export class TicketsService {
  readonly sla: TicketSla;
  readonly mail: TicketMail;
  private readonly db: DataSource;
  private readonly listeners: TicketListener[] = [];

  constructor(private readonly deps: TicketsDeps) {
    this.db = deps.db;
    this.sla = new TicketSla(deps.db, deps.scheduler, deps.log);
    this.mail = new TicketMail(deps.scheduler, { ...(deps.mail ?? { mailer: null, from: 'hotline@localhost', attempts: 6, retryMs: 60_000 }), log: deps.log });
    // An SLA breach changes the ticket as any change does: listeners (webhooks' ticket.updated) hear it, actor "sla".
    this.sla.onEscalated = (e) => this.notify({ type: 'updated', ticketId: e.ticketId, changes: [['escalationLevel', e.from, e.to]], actor: SLA_ACTOR, at: e.at });
  }

  // ---- listeners -------------------------------------------------------------------------

  /** Calls `fn` after each committed create, change (merge included) and comment. */
  onChange(fn: TicketListener): void {
    this.listeners.push(fn);
  }

  /** Tells the listeners (a listener that throws is logged, never fails the request). */
  notify(e: TicketChangeEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message, ticket: e.ticketId, change: e.type }, 'a ticket change listener failed');
      }
    }
  }

  // ---- references ------------------------------------------------------------------------

  private async exists(what: 'customer' | 'call', id: string, get: (id: string) => Promise<unknown>): Promise<void> {
    try {
      await get(id);
    } catch (err) {
      if (err instanceof NotFoundError) throw new UnknownReferenceError(what, id);
      throw err;
    }
  }

  private async checkAssignee(id: string): Promise<void> {
    const u = await this.deps.users.findById(id);
    if (!u) throw new UnknownReferenceError('assignee', id, ' (no such user)');
    if (u.disabled) throw new AssigneeDisabledError(id);
    if (!isWorker(u.role)) throw new AssigneeNotAssignableError(id, u.role);
  }

  /** The people a ticket can be assigned to: enabled users who may work tickets, by name. */
  assignees(q: { q?: string; limit: number }) {
    return this.deps.people.list({ roles: WORKER_ROLES, ...q });
  }

  /** The view with its assignee's name. */
  async named(view: TicketView): Promise<TicketView> {
    return (await withAssigneeNames(this.deps.people, [view]))[0]!;
  }

  /** A ticket by id or number (T-000123). */
  async find(ref: string, m: EntityManager = this.db.manager, lock = false): Promise<Ticket> {
    const where = ref.startsWith('T-') ? { number: ref } : { id: ref };
    const t = await m.findOne(Ticket, { where, ...(lock ? lockFor(m) : {}) });
    if (!t) throw new NotFoundError('ticket', ref);
    return t;
  }

  // ---- create ----------------------------------------------------------------------------

  async create(input: CreateTicketInput, actor: string): Promise<TicketView> {
    await this.exists('customer', input.customerId, (id) => this.deps.customers.get(id));
    if (input.callId) await this.exists('call', input.callId, (id) => this.deps.calls.get(id));
    if (input.assigneeId) await this.checkAssignee(input.assigneeId);
    const ticket = await this.named(await this.db.transaction((m) => this.insert(m, input, actor)));
    // The customer's timeline shows the ticket (after the commit: the ticket exists either way;
    // a timeline that could not be written is logged, not a failed create).
    try {
      await this.deps.customers.recordInteraction({ customerId: ticket.customerId, kind: 'ticket', refId: ticket.id, summary: `ticket ${ticket.number} opened: ${ticket.title}`, actor, at: new Date(ticket.createdAt) });
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, ticket: ticket.number }, 'ticket created; its customer timeline entry was not written');
    }
    this.notify({ type: 'created', ticketId: ticket.id, ticket, actor, at: new Date(ticket.createdAt) });
    return ticket;
  }

  private async insert(m: EntityManager, input: CreateTicketInput, actor: string): Promise<TicketView> {
    const now = new Date();
    // The counter row's lock makes concurrent creates (MariaDB) take numbers one after another.
    await m.createQueryBuilder().update(TicketCounter).set({ value: () => 'value + 1' }).where('name = :name', { name: 'ticket' }).execute();
    const seq = Number((await m.findOneOrFail(TicketCounter, { where: { name: 'ticket' } })).value);
    const policy = await this.sla.policy(input.priority, m);
    const t = m.create(Ticket, {
      id: randomUUID(),
      seq,
      number: `T-${String(seq).padStart(6, '0')}`,
      title: input.title,
      description: input.description,
      type: input.type,
      priority: input.priority,
      priorityRank: PRIORITY_RANK[input.priority],
      category: input.category,
      customerId: input.customerId,
      callId: input.callId,
      assigneeId: input.assigneeId,
      team: input.team,
      status: 'new',
      escalationLevel: 0,
      escalatedAt: null,
      firstResponseDueAt: deadline(now, policy.firstResponseSeconds),
      firstRespondedAt: null,
      resolutionDueAt: deadline(now, policy.resolutionSeconds),
      slaStartedAt: now,
      resolvedAt: null,
      closedAt: null,
      mergedIntoId: null,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    });
    t.dueAt = nextDue(t);
    await m.insert(Ticket, t);
    await recordHistory(m, t.id, actor, now, [['created', null, t.number]]);
    await this.sla.schedule(t.id, 'first_response', now, t.firstResponseDueAt!, m);
    await this.sla.schedule(t.id, 'resolution', now, t.resolutionDueAt!, m);
    return ticketView(t);
  }

  // ---- change ----------------------------------------------------------------------------

  async update(ref: string, patch: UpdateTicketInput, actor: string): Promise<TicketView> {
    if (patch.callId) await this.exists('call', patch.callId, (id) => this.deps.calls.get(id));
    if (patch.assigneeId) await this.checkAssignee(patch.assigneeId);
    let changes: Change[] = [];
    const view = await this.named(await this.db.transaction(async (m) => {
      changes = [];
      const t = await this.find(ref, m, true);
      if (t.mergedIntoId) throw new TicketMergedError(t.number, (await this.find(t.mergedIntoId, m)).number);
      const now = new Date();
      const set = <K extends keyof Ticket>(field: K, value: Ticket[K], name = String(field)) => {
        const old = t[field];
        const same = old instanceof Date && value instanceof Date ? old.getTime() === value.getTime() : old === value;
        if (same) return;
        changes.push([name, old, value]);
        t[field] = value;
      };
      if (patch.status !== undefined && patch.status !== t.status) {
        if (!canTransition(t.status, patch.status)) throw new TransitionNotAllowedError(t.status, patch.status, TRANSITIONS[t.status]);
        await this.applyStatus(m, t, patch.status, now, set);
      }
      for (const f of ['title', 'description', 'type', 'category', 'callId', 'assigneeId', 'team'] as const) {
        if (patch[f] !== undefined) set(f, patch[f] as never);
      }
      if (patch.priority !== undefined && patch.priority !== t.priority) {
        set('priority', patch.priority);
        t.priorityRank = PRIORITY_RANK[patch.priority];
        await this.recomputeSla(m, t, set);
      }
      if (!changes.length) return this.view(t, m);
      t.dueAt = nextDue(t);
      t.updatedAt = now;
      await m.save(Ticket, t);
      await recordHistory(m, t.id, actor, now, changes);
      return this.view(t, m);
    }));
    if (changes.length) this.notify({ type: 'updated', ticketId: view.id, ticket: view, changes, actor, at: new Date(view.updatedAt) });
    return view;
  }

  private async applyStatus(m: EntityManager, t: Ticket, to: TicketStatus, now: Date, set: <K extends keyof Ticket>(f: K, v: Ticket[K]) => void): Promise<void> {
    set('status', to);
    // A status change by an agent is a first response.
    if (!t.firstRespondedAt) await this.firstResponse(m, t, now, set);
    if (to === 'resolved') set('resolvedAt', now);
    if (to === 'closed') set('closedAt', now);
    if (!isOpen(to)) await this.sla.cancel(t.id, 'resolution', m);
    if (to === 'reopened') {
      // The resolution clock starts again from the reopen.
      set('resolvedAt', null);
      set('closedAt', null);
      set('slaStartedAt', now);
      const policy = await this.sla.policy(t.priority, m);
      set('resolutionDueAt', deadline(now, policy.resolutionSeconds));
      await this.sla.schedule(t.id, 'resolution', now, t.resolutionDueAt!, m);
    }
  }

  private async firstResponse(m: EntityManager, t: Ticket, now: Date, set: <K extends keyof Ticket>(f: K, v: Ticket[K]) => void): Promise<void> {
    set('firstRespondedAt', now);
    await this.sla.cancel(t.id, 'first_response', m);
  }

  /** New deadlines for the new priority, counted from when each clock started. */
  private async recomputeSla(m: EntityManager, t: Ticket, set: <K extends keyof Ticket>(f: K, v: Ticket[K]) => void): Promise<void> {
    const policy = await this.sla.policy(t.priority, m);
    if (!t.firstRespondedAt && isOpen(t.status)) {
      set('firstResponseDueAt', deadline(t.createdAt, policy.firstResponseSeconds));
      await this.sla.schedule(t.id, 'first_response', t.createdAt, t.firstResponseDueAt!, m);
    }
    if (isOpen(t.status)) {
      set('resolutionDueAt', deadline(t.slaStartedAt, policy.resolutionSeconds));
      await this.sla.schedule(t.id, 'resolution', t.slaStartedAt, t.resolutionDueAt!, m);
    }
  }

  // ---- comments --------------------------------------------------------------------------

  async comment(ref: string, input: Pick<CommentInput, 'body' | 'visibility'> & Partial<CommentInput>, actor: string) {
    if (input.emailCustomer && !this.mail.configured) throw new MailNotConfiguredError();
    const made = await this.db.transaction(async (m) => {
      const t = await this.find(ref, m, true);
      if (t.mergedIntoId) throw new TicketMergedError(t.number, (await this.find(t.mergedIntoId, m)).number);
      const to = input.emailCustomer ? await this.customerEmail(t) : null;
      const now = new Date();
      const c = m.create(TicketComment, { id: randomUUID(), ticketId: t.id, author: actor, visibility: input.visibility, body: input.body, createdAt: now });
      await m.insert(TicketComment, c);
      if (to) await this.mail.queue(m, t.id, c.id, to, input.emailLocale ?? 'zh-CN');
      const changes: Change[] = [[`comment.${input.visibility}`, null, c.id]];
      // The first public comment is the first response.
      if (input.visibility === 'public' && !t.firstRespondedAt) {
        await this.firstResponse(m, t, now, (f, v) => {
          changes.push([String(f), t[f], v]);
          t[f] = v;
        });
        t.dueAt = nextDue(t);
      }
      t.updatedAt = now;
      await m.save(Ticket, t);
      await recordHistory(m, t.id, actor, now, changes);
      return { row: c, number: t.number, ticketId: t.id };
    });
    const comment = commentView(made.row, made.number, await this.deps.people.namesByUsernames([made.row.author]), (await this.mail.ofTickets([made.ticketId])).get(made.row.id));
    this.notify({ type: 'commented', ticketId: made.ticketId, comment, actor, at: made.row.createdAt });
    return comment;
  }

  /** The first e-mail address of the ticket's customer, or a refusal naming what is missing. */
  private async customerEmail(t: Ticket): Promise<string> {
    const customer = await this.deps.customers.get(t.customerId).catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
    const to = customer?.emails?.[0];
    if (!to) throw new CustomerHasNoEmailError(t.number, !!customer);
    return to;
  }

  // ---- reads -----------------------------------------------------------------------------

  /** The ticket and the tickets merged into it (transitively), number by id. */
  async family(t: Ticket, m: EntityManager = this.db.manager): Promise<Map<string, string>> {
    const out = new Map([[t.id, t.number]]);
    let frontier = [t.id];
    while (frontier.length) {
      const merged = await m.find(Ticket, { where: { mergedIntoId: In(frontier) }, select: { id: true, number: true } });
      frontier = merged.filter((x) => !out.has(x.id)).map((x) => x.id);
      for (const x of merged) out.set(x.id, x.number);
    }
    return out;
  }

  async view(t: Ticket, m: EntityManager = this.db.manager): Promise<TicketView> {
    const merged = await m.find(Ticket, { where: { mergedIntoId: t.id }, select: { number: true }, order: { seq: 'ASC' } });
    const into = t.mergedIntoId ? (await m.findOne(Ticket, { where: { id: t.mergedIntoId }, select: { number: true } }))?.number : null;
    return ticketView(t, { mergedInto: into ?? null, merged: merged.map((x) => x.number) });
  }

  async get(ref: string): Promise<TicketView> {
    return this.named(await this.view(await this.find(ref)));
  }

  async comments(ref: string) {
    const fam = await this.family(await this.find(ref));
    const rows = await this.db.manager.find(TicketComment, { where: { ticketId: In([...fam.keys()]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    const [names, mails] = await Promise.all([this.deps.people.namesByUsernames(rows.map((c) => c.author)), this.mail.ofTickets([...fam.keys()])]);
    return rows.map((c) => commentView(c, fam.get(c.ticketId)!, names, mails.get(c.id)));
  }

  async attachments(ref: string) {
    const fam = await this.family(await this.find(ref));
    const rows = await this.db.manager.find(TicketAttachment, { where: { ticketId: In([...fam.keys()]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    const names = await this.deps.people.namesByUsernames(rows.map((a) => a.uploadedBy));
    return rows.map((a) => ({ ...attachmentView(a, fam.get(a.ticketId)!), uploadedByName: nameOr(names, a.uploadedBy) }));
  }

  async history(ref: string) {
    const fam = await this.family(await this.find(ref));
    const rows = await this.db.manager.find(TicketHistory, { where: { ticketId: In([...fam.keys()]) } });
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    const byUsername = await this.deps.people.namesByUsernames(rows.map((h) => h.actor));
    const byId = await this.deps.people.namesByIds(rows.filter((h) => h.field === 'assigneeId').flatMap((h) => [h.oldValue, h.newValue]));
    return rows.map((h) => historyView(h, fam.get(h.ticketId)!, { byUsername, byId }));
  }

  async list(q: ListQuery) {
    const page = await listTickets(this.db, q, (t) => this.view(t));
    return { ...page, items: await withAssigneeNames(this.deps.people, page.items) };
  }

  /** A customer's tickets for the screen pop and the CRM timeline: open ones first, newest first. */
  async listForCustomer(customerId: string, limit = 50): Promise<TicketView[]> {
    const base = { customer: customerId, limit, offset: 0, sort: 'updatedAt', order: 'desc' } as const;
    const open = await this.list({ ...base, status: ['new', 'assigned', 'in_progress', 'waiting_on_customer', 'reopened'] });
    const rest = open.items.length < limit ? await this.list({ ...base, limit: limit - open.items.length, status: ['resolved', 'closed'] }) : { items: [] };
    return [...open.items, ...rest.items];
  }

  /** Tickets made from a call (the call record shows them), oldest first. */
  async listForCall(callId: string): Promise<Array<{ id: string; number: string; title: string; status: string }>> {
    const rows = await this.db.manager.find(Ticket, { where: { callId }, order: { createdAt: 'ASC' }, select: { id: true, number: true, title: true, status: true } });
    return rows.map((t) => ({ id: t.id, number: t.number, title: t.title, status: t.status }));
  }
}
