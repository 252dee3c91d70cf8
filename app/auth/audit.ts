// The audit log: append and read, nothing else. There is no update or delete method here
// or anywhere in Hotline; retention, if ever needed, belongs to the database operator.
import type { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from './auth.entities.js';

export interface AuditInput {
  /** A username, `api-key:<name>` or `anonymous`. */
  actor: string;
  actorIp?: string | null;
  /** login.success, login.failure, user.create, apikey.create, config.change, export ... */
  action: string;
  target?: string | null;
  /** Serialized as JSON; must never hold a secret. */
  detail?: unknown;
}

/** Writes one entry to the audit log (what a module that audits its own actions is handed). */
export type Audit = (e: AuditInput) => Promise<void>;

export interface AuditView {
  id: number;
  at: string;
  actor: string;
  actorIp: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
}

const clip = (s: string | null | undefined, n: number) => (s == null ? null : s.length > n ? `${s.slice(0, n - 1)}…` : s);

export class AuditLog {
  constructor(
    private readonly db: DataSource,
    private readonly now: () => number,
  ) {}

  /** `m`: inside the caller's transaction (the entry commits, or not, with its work). */
  async append(entry: AuditInput, m: EntityManager = this.db.manager): Promise<void> {
    await m.insert(AuditEntry, {
      at: new Date(this.now()),
      actor: clip(entry.actor, 160) ?? 'anonymous',
      actorIp: clip(entry.actorIp, 64),
      action: clip(entry.action, 64)!,
      target: clip(entry.target, 255),
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    });
  }

  /** Newest first. */
  async list(filters: AuditFilters, page: { limit: number; offset: number }): Promise<{ items: AuditView[]; total: number }> {
    const q = this.db.manager.createQueryBuilder(AuditEntry, 'a');
    if (filters.actor !== undefined) q.andWhere('a.actor = :actor', { actor: filters.actor });
    if (filters.action !== undefined) q.andWhere('a.action = :action', { action: filters.action });
    if (filters.target !== undefined) q.andWhere('a.target = :target', { target: filters.target });
    if (filters.from) q.andWhere('a.at >= :from', { from: filters.from });
    if (filters.to) q.andWhere('a.at < :to', { to: filters.to });
    const [rows, total] = await q.orderBy('a.id', 'DESC').skip(page.offset).take(page.limit).getManyAndCount();
    return {
      total,
      items: rows.map((r) => ({
        id: Number(r.id),
        at: r.at.toISOString(),
        actor: r.actor,
        actorIp: r.actorIp,
        action: r.action,
        target: r.target,
        detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
      })),
    };
  }
}
