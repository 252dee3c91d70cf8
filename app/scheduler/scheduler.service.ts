// Persisted timed jobs, each run exactly once.
//
// - schedule(kind, key, dueAt, payload) writes one row per (kind, key): scheduling again
//   reschedules it (pending again, attempts reset), never a second row.
// - A tick (node-cron, every second, only while this node is active) picks due jobs and claims
//   each with a conditional UPDATE (pending and due, or running past the lease) that sets a
//   fresh claim token; only the node whose UPDATE changed the row runs it.
// - The run is one transaction: first the job is marked done (conditional on the claim token,
//   which also locks the row), then the handler does its work through the same EntityManager.
//   Both commit together or neither does: a crash before the commit leaves the job `running`
//   with a lease that expires, and the next claimer runs it; after the commit it is done.
// - A handler that throws rolls its work back; the job goes back to pending with a backoff, or
//   to failed after maxAttempts, with the error message in last_error.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ScheduledJob } from './scheduler.entities.js';
import { afterFailure, DEFAULT_RETRY, errorText, type RetryPolicy } from './scheduler.policy.js';

export interface JobView<P = unknown> {
  id: string;
  kind: string;
  key: string;
  dueAt: Date;
  payload: P;
  attempts: number;
}

/**
 * Does the job's work through `m` (the job's transaction). It may return a function to call once
 * that work has committed (tell listeners, queue webhooks): never called when it rolled back.
 */
export type JobHandler<P = any> = (job: JobView<P>, m: EntityManager) => Promise<void | (() => void)>;

export interface JobKindOptions<P = any> {
  /** This kind's retries (default: the scheduler's). */
  retry?: Partial<RetryPolicy>;
  /** Called once after the last attempt failed and the job was marked failed. */
  onGiveUp?: (job: JobView<P>, error: string) => Promise<void>;
}

/** A stored job as status views show it (no claim token). */
export interface JobStatusView {
  key: string;
  status: string;
  dueAt: Date;
  attempts: number;
  lastError: string | null;
  doneAt: Date | null;
  claimedBy: string | null;
  updatedAt: Date;
  /** The job's payload as stored (JSON). */
  payload: string;
}

export interface SchedulerOptions {
  nodeName: string;
  /** Jobs run only while this says true (HA: the active node). */
  isActive: () => boolean;
  /** A job `running` for longer than this is taken to belong to a dead node (default 60 s). */
  leaseMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Jobs looked at per pass (default 50). */
  batchSize?: number;
  log: Logger;
}

class LostClaimError extends Error {}

export class UnknownJobKindError extends AppError {
  constructor(kind: string) {
    super(500, 'unknown_job_kind', `no handler registered for job kind ${kind}`);
  }
}

export class SchedulerService {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly kindOptions = new Map<string, JobKindOptions>();
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private readonly batchSize: number;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly opts: SchedulerOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.batchSize = opts.batchSize ?? 50;
  }

  get nodeName(): string {
    return this.opts.nodeName;
  }

  register<P>(kind: string, handler: JobHandler<P>, options: JobKindOptions<P> = {}): void {
    if (this.handlers.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    this.handlers.set(kind, handler as JobHandler);
    this.kindOptions.set(kind, options as JobKindOptions);
  }

  /** The jobs of a kind whose key starts with `keyPrefix` (no % or _ in it), newest due first (status views). */
  async list(kind: string, keyPrefix: string, limit = 20): Promise<JobStatusView[]> {
    const rows = await this.db.manager
      .createQueryBuilder(ScheduledJob, 'j')
      .where('j.kind = :kind AND j.job_key LIKE :prefix', { kind, prefix: `${keyPrefix}%` })
      .orderBy('j.dueAt', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((j) => ({ key: j.key, status: j.status, dueAt: j.dueAt, attempts: j.attempts, lastError: j.lastError, doneAt: j.doneAt, claimedBy: j.claimedBy, updatedAt: j.updatedAt, payload: j.payload }));
  }

  /** Creates or reschedules the job (kind, key); inside the caller's transaction when `m` is given. */
  async schedule(kind: string, key: string, dueAt: Date, payload: unknown, m: EntityManager = this.db.manager): Promise<void> {
    const now = new Date();
    const fields = { dueAt, payload: JSON.stringify(payload ?? null), status: 'pending' as const, attempts: 0, claimedBy: null, claimedAt: null, claimToken: null, lastError: null, doneAt: null, updatedAt: now };
    const update = () => m.createQueryBuilder().update(ScheduledJob).set(fields).where('kind = :kind AND job_key = :key', { kind, key }).execute();
    if ((await update()).affected) return;
    try {
      await m.insert(ScheduledJob, { id: randomUUID(), kind, key, createdAt: now, ...fields });
    } catch (err) {
      // Someone inserted the same (kind, key) in between: reschedule theirs.
      if (!(await update()).affected) throw err;
    }
  }

  /** Cancels a job that has not run yet; true when there was one. */
  async cancel(kind: string, key: string, m: EntityManager = this.db.manager): Promise<boolean> {
    const r = await m
      .createQueryBuilder()
      .update(ScheduledJob)
      .set({ status: 'cancelled', claimToken: null, updatedAt: new Date() })
      .where("kind = :kind AND job_key = :key AND status IN ('pending', 'running')", { kind, key })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** The stored job (for tests and admin views). */
  find(kind: string, key: string): Promise<ScheduledJob | null> {
    return this.db.manager.findOne(ScheduledJob, { where: { kind, key } });
  }

  stop(): void {
    this.stopped = true;
  }

  /** One pass: claims and runs the jobs due now. Returns how many this node ran to completion. */
  async runDue(now = new Date()): Promise<number> {
    if (this.stopped || !this.opts.isActive() || this.handlers.size === 0) return 0;
    const cutoff = new Date(now.getTime() - this.leaseMs);
    const candidates = await this.db.manager
      .createQueryBuilder(ScheduledJob, 'j')
      .select(['j.id', 'j.kind'])
      .where('j.kind IN (:...kinds)', { kinds: [...this.handlers.keys()] })
      .andWhere("((j.status = 'pending' AND j.dueAt <= :now) OR (j.status = 'running' AND j.claimedAt < :cutoff))", { now, cutoff })
      .orderBy('j.dueAt', 'ASC')
      .limit(this.batchSize)
      .getMany();
    let ran = 0;
    for (const c of candidates) {
      if (this.stopped || !this.opts.isActive()) break;
      const token = await this.claim(c.id, new Date(), cutoff).catch((err: Error) => {
        this.opts.log.warn({ job: c.id, kind: c.kind, err: errorText(err) }, 'could not claim a job; trying it again later');
        return null;
      });
      if (token && (await this.run(c.id, token))) ran++;
    }
    return ran;
  }

  private async claim(id: string, now: Date, cutoff: Date): Promise<string | null> {
    const token = randomUUID();
    const r = await this.db
      .createQueryBuilder()
      .update(ScheduledJob)
      .set({ status: 'running', claimedBy: this.opts.nodeName, claimedAt: now, claimToken: token, attempts: () => 'attempts + 1', updatedAt: now })
      .where('id = :id', { id })
      .andWhere("((status = 'pending' AND due_at <= :now) OR (status = 'running' AND claimed_at < :cutoff))", { now, cutoff })
      .execute();
    return r.affected === 1 ? token : null;
  }

  /** Runs a claimed job; true when its work and its done mark committed. */
  private async run(id: string, token: string): Promise<boolean> {
    const job = await this.db.manager.findOne(ScheduledJob, { where: { id } });
    if (!job || job.claimToken !== token) return false;
    const handler = this.handlers.get(job.kind);
    const view: JobView = { id: job.id, kind: job.kind, key: job.key, dueAt: job.dueAt, payload: parsePayload(job.payload), attempts: job.attempts };
    const after: { commit?: () => void } = {};
    try {
      await this.db.transaction(async (m) => {
        const done = await m
          .createQueryBuilder()
          .update(ScheduledJob)
          .set({ status: 'done', doneAt: new Date(), updatedAt: new Date() })
          .where("id = :id AND status = 'running' AND claim_token = :token", { id, token })
          .execute();
        if (done.affected !== 1) throw new LostClaimError();
        if (!handler) throw new UnknownJobKindError(job.kind);
        after.commit = (await handler(view, m)) ?? undefined;
      });
      this.opts.log.debug({ job: id, kind: job.kind, key: job.key, attempt: job.attempts }, 'job done');
      try {
        after.commit?.();
      } catch (err) {
        this.opts.log.warn({ job: id, kind: job.kind, key: job.key, err: errorText(err) }, 'a job\'s after-commit step failed (its work is committed)');
      }
      return true;
    } catch (err) {
      if (err instanceof LostClaimError) {
        this.opts.log.info({ job: id, kind: job.kind, key: job.key }, 'job was cancelled, rescheduled or taken over while it ran; its work was rolled back');
        return false;
      }
      await this.failed(job, token, err);
      return false;
    }
  }

  private async failed(job: ScheduledJob, token: string, err: unknown): Promise<void> {
    const now = new Date();
    const opts = this.kindOptions.get(job.kind) ?? {};
    const next = afterFailure(job.attempts, now, { ...this.retry, ...opts.retry });
    const message = errorText(err);
    const set =
      next.status === 'failed'
        ? { status: 'failed' as const, claimToken: null, lastError: message, updatedAt: now }
        : { status: 'pending' as const, dueAt: next.retryAt, claimToken: null, lastError: message, updatedAt: now };
    const recorded = await this.db
      .createQueryBuilder()
      .update(ScheduledJob)
      .set(set)
      .where("id = :id AND status = 'running' AND claim_token = :token", { id: job.id, token })
      .execute()
      .then((r) => r.affected === 1)
      .catch((e: Error) => {
        this.opts.log.error({ job: job.id, err: errorText(e) }, 'could not record a job failure');
        return false;
      });
    if (recorded && next.status === 'failed' && opts.onGiveUp) {
      const view: JobView = { id: job.id, kind: job.kind, key: job.key, dueAt: job.dueAt, payload: parsePayload(job.payload), attempts: job.attempts };
      await opts.onGiveUp(view, message).catch((e: Error) => this.opts.log.error({ job: job.id, kind: job.kind, err: errorText(e) }, 'a job kind\'s give-up step failed'));
    }
    const fields = { job: job.id, kind: job.kind, key: job.key, attempt: job.attempts, err: message };
    if (next.status === 'failed') this.opts.log.error(fields, `job failed after ${job.attempts} attempts`);
    else this.opts.log.warn({ ...fields, retryAt: next.retryAt.toISOString() }, 'job failed; retrying later');
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
