// SLA policies and the SLA's timed work: a reminder before each deadline (told to the assignee's
// console) and an escalation
// after it, as app/scheduler jobs (kinds ticket.sla.remind / ticket.sla.escalate, key
// `<ticket id>:<target>`). Scheduling again with the same key moves the job; meeting the
// target cancels both. The handlers run in the job's own transaction, so an escalation and
// its "done" mark commit together: exactly once, also across a restart.
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger.js';
import type { JobView, SchedulerService } from '../scheduler/index.js';
import { PRIORITIES, Ticket, TicketHistory, TicketSlaPolicy, type Priority } from './tickets.entities.js';
import { DEFAULT_SLA, ESCALATE_KIND, jobKey, REMIND_KIND, reminderAt, type SlaTarget, type SlaTargets } from './tickets.sla.js';
import { isOpen } from './tickets.transitions.js';

export interface SlaJobPayload {
  ticketId: string;
  target: SlaTarget;
  /** The deadline the job was scheduled for (ISO). */
  due: string;
}

export const SLA_ACTOR = 'sla';

/** A ticket escalated by its SLA (told after the escalation committed). */
export interface SlaEscalation { ticketId: string; target: SlaTarget; due: string; from: number; to: number; at: Date }
/** A deadline approaching on an assigned ticket (told after the reminder committed): for its assignee. */
export interface SlaReminder { ticketId: string; number: string; title: string; assigneeId: string; target: SlaTarget; due: string }

export class TicketSla {
  /** Told after each escalation committed (the tickets service passes it on to its listeners). */
  onEscalated?: (e: SlaEscalation) => void;
  /** Told after each reminder on an assigned ticket committed (main.ts: a notice on its assignee's console). */
  onReminded?: (r: SlaReminder) => void;

  constructor(
    readonly db: DataSource,
    private readonly scheduler: SchedulerService,
    private readonly log: Logger,
  ) {}

  async policies(m: EntityManager = this.db.manager): Promise<Record<Priority, SlaTargets & { custom: boolean }>> {
    const rows = await m.find(TicketSlaPolicy);
    const out = {} as Record<Priority, SlaTargets & { custom: boolean }>;
    for (const p of PRIORITIES) {
      const row = rows.find((r) => r.priority === p);
      out[p] = row ? { firstResponseSeconds: row.firstResponseSeconds, resolutionSeconds: row.resolutionSeconds, custom: true } : { ...DEFAULT_SLA[p], custom: false };
    }
    return out;
  }

  async policy(priority: Priority, m: EntityManager): Promise<SlaTargets> {
    const row = await m.findOne(TicketSlaPolicy, { where: { priority } });
    return row ? { firstResponseSeconds: row.firstResponseSeconds, resolutionSeconds: row.resolutionSeconds } : DEFAULT_SLA[priority];
  }

  /** Sets one priority's targets; applies to tickets created or re-prioritised from now on. */
  async setPolicy(priority: Priority, targets: SlaTargets, actor: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.delete(TicketSlaPolicy, { priority });
      await m.insert(TicketSlaPolicy, { priority, ...targets, updatedBy: actor, updatedAt: new Date() });
    });
  }

  /** (Re)schedules the reminder and the escalation of one deadline counted from `from`. */
  async schedule(ticketId: string, target: SlaTarget, from: Date, due: Date, m: EntityManager): Promise<void> {
    const payload: SlaJobPayload = { ticketId, target, due: due.toISOString() };
    await this.scheduler.schedule(REMIND_KIND, jobKey(ticketId, target), reminderAt(from, due), payload, m);
    await this.scheduler.schedule(ESCALATE_KIND, jobKey(ticketId, target), due, payload, m);
  }

  async cancel(ticketId: string, target: SlaTarget, m: EntityManager): Promise<void> {
    await this.scheduler.cancel(REMIND_KIND, jobKey(ticketId, target), m);
    await this.scheduler.cancel(ESCALATE_KIND, jobKey(ticketId, target), m);
  }

  register(): void {
    this.scheduler.register<SlaJobPayload>(REMIND_KIND, (job, m) => this.remind(job, m));
    this.scheduler.register<SlaJobPayload>(ESCALATE_KIND, (job, m) => this.escalate(job, m));
  }

  /** The ticket when the job's target is still open (not met, not resolved, not merged). */
  private async pending(job: JobView<SlaJobPayload>, m: EntityManager): Promise<Ticket | null> {
    const t = await m.findOne(Ticket, { where: { id: job.payload.ticketId }, ...lockFor(m) });
    if (!t || t.mergedIntoId || !isOpen(t.status)) return null;
    if (job.payload.target === 'first_response' && t.firstRespondedAt) return null;
    return t;
  }

  private async remind(job: JobView<SlaJobPayload>, m: EntityManager): Promise<void | (() => void)> {
    const t = await this.pending(job, m);
    if (!t) return;
    await m.insert(TicketHistory, { ticketId: t.id, actor: SLA_ACTOR, at: new Date(), field: `sla.${job.payload.target}.reminder`, oldValue: null, newValue: job.payload.due });
    this.log.info({ ticket: t.number, target: job.payload.target, due: job.payload.due, assignee: t.assigneeId, team: t.team }, 'SLA deadline approaching');
    if (!t.assigneeId) return;
    const r: SlaReminder = { ticketId: t.id, number: t.number, title: t.title, assigneeId: t.assigneeId, target: job.payload.target, due: job.payload.due };
    return () => this.onReminded?.(r);
  }

  private async escalate(job: JobView<SlaJobPayload>, m: EntityManager): Promise<void | (() => void)> {
    const t = await this.pending(job, m);
    if (!t) return;
    const now = new Date();
    const level = t.escalationLevel + 1;
    await m.update(Ticket, { id: t.id }, { escalationLevel: level, escalatedAt: now, updatedAt: now });
    await m.insert(TicketHistory, { ticketId: t.id, actor: SLA_ACTOR, at: now, field: 'escalation_level', oldValue: String(t.escalationLevel), newValue: String(level) });
    this.log.warn({ ticket: t.number, target: job.payload.target, due: job.payload.due, level }, 'SLA breached: ticket escalated');
    const e: SlaEscalation = { ticketId: t.id, target: job.payload.target, due: job.payload.due, from: t.escalationLevel, to: level, at: now };
    return () => this.onEscalated?.(e);
  }
}

/** Row lock on MariaDB/MySQL; SQLite transactions are serialized anyway. */
export function lockFor(m: EntityManager): { lock?: { mode: 'pessimistic_write' } } {
  return m.connection.options.type === 'better-sqlite3' ? {} : { lock: { mode: 'pessimistic_write' } };
}
