// The sender, on the active node only: every `everyMs` (and right after an event was queued)
// it picks due deliveries of enabled endpoints, claims each with a conditional UPDATE
// (pending and due, or sending past its claim: a node that died mid-send), POSTs it outside any
// transaction, and records the outcome only if its claim still holds (the attempt count is the
// fencing token). At most `maxInFlight` deliveries are in flight at once. Failed attempts are
// retried per the backoff, then the delivery is `failed`. Deliveries older than the retention
// are deleted once an hour.
import type { DataSource, Repository } from 'typeorm';
import { LessThan } from 'typeorm';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { afterFailedAttempt, DEFAULT_RETRY_DELAYS_MS } from './webhooks.backoff.js';
import { WebhookDelivery, WebhookEndpoint } from './webhooks.entities.js';
import { postDelivery, type Attempt, type AttemptOutcome } from './webhooks.post.js';

export interface SenderOptions {
  isActive: () => boolean;
  log: Logger;
  delays?: readonly number[];
  everyMs?: number;
  maxInFlight?: number;
  /** A `sending` claim older than this belongs to a dead node (default 60 s; a request lasts at most 10 s). */
  claimMs?: number;
  timeoutMs?: number;
  retentionMs?: number;
  /** The HTTP attempt (tests may replace it). */
  post?: (a: Attempt) => Promise<AttemptOutcome>;
}

const DAY = 86_400_000;

export class WebhookSender {
  private readonly deliveries: Repository<WebhookDelivery>;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | null = null;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private lastCleanup = 0;
  /** Aborts the requests in flight when Hotline stops (each is then a failed attempt, retried by whichever node is active). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: DataSource,
    private readonly o: SenderOptions,
  ) {
    this.deliveries = db.getRepository(WebhookDelivery);
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.o.everyMs ?? 1000);
    this.timer.unref();
  }

  /** Stops picking deliveries, aborts the requests in flight and waits until their outcome is recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.pass;
    await Promise.all([...this.inFlight]);
  }

  /** Runs a pass now (one at a time: a tick during a pass runs another one after it). */
  tick(): void {
    if (this.stopped || !this.o.isActive()) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    this.pass = this.runPass()
      .catch(logFailure(this.o.log, 'webhooks: a sender pass'))
      .finally(() => {
        this.pass = null;
        if (this.again) {
          this.again = false;
          this.tick();
        }
      });
  }

  private async runPass(): Promise<void> {
    await this.cleanup();
    const free = (this.o.maxInFlight ?? 4) - this.inFlight.size;
    if (free <= 0) return;
    const now = new Date();
    const due = await this.deliveries
      .createQueryBuilder('d')
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpoint_id AND e.enabled = 1')
      .select(['d.id'])
      .where("((d.status = 'pending' AND d.next_attempt_at <= :now) OR (d.status = 'sending' AND d.claimed_until < :now))", { now })
      .orderBy('d.next_attempt_at', 'ASC')
      .limit(free)
      .getMany();
    for (const { id } of due) {
      if (this.stopped || !this.o.isActive()) return;
      const attempts = await this.claim(id);
      if (attempts === null) continue;
      const sending: Promise<void> = this.send(id, attempts)
        .catch(logFailure(this.o.log, 'webhooks: sending a delivery', { context: { delivery: id } }))
        .finally(() => {
          this.inFlight.delete(sending);
          this.tick();
        });
      this.inFlight.add(sending);
    }
  }

  /** Takes the delivery for this node; its attempt number (the fencing token), or null when another node has it. */
  private async claim(id: string): Promise<number | null> {
    const now = new Date();
    const r = await this.db
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: 'sending', claimedUntil: new Date(now.getTime() + (this.o.claimMs ?? 60_000)), attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .andWhere("((status = 'pending' AND next_attempt_at <= :now) OR (status = 'sending' AND claimed_until < :now))", { now })
      .execute();
    if (r.affected !== 1) return null;
    const row = await this.deliveries.findOne({ where: { id }, select: { id: true, attempts: true, status: true } });
    return row && row.status === 'sending' ? Number(row.attempts) : null;
  }

  private async send(id: string, attempts: number): Promise<void> {
    const d = await this.deliveries.findOne({ where: { id } });
    if (!d) return; // deleted meanwhile (its endpoint was)
    const endpoint = await this.db.getRepository(WebhookEndpoint).findOne({ where: { id: d.endpointId } });
    if (!endpoint) return;
    const outcome = await (this.o.post ?? postDelivery)({ url: endpoint.url, secret: endpoint.secret, deliveryId: d.id, event: d.event, body: d.payload, timeoutMs: this.o.timeoutMs, stop: this.stopping.signal });
    const now = new Date();
    const common = { claimedUntil: null, lastStatusCode: outcome.statusCode, lastError: outcome.error?.slice(0, 500) ?? null, responseMs: outcome.responseMs };
    const next = outcome.ok ? null : afterFailedAttempt(attempts, now, this.o.delays ?? DEFAULT_RETRY_DELAYS_MS);
    const set = outcome.ok
      ? { ...common, status: 'delivered' as const, deliveredAt: now }
      : next!.status === 'pending'
        ? { ...common, status: 'pending' as const, nextAttemptAt: next!.nextAttemptAt }
        : { ...common, status: 'failed' as const };
    const r = await this.db
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set(set)
      .where("id = :id AND status = 'sending' AND attempts = :attempts", { id, attempts })
      .execute();
    const ctx = { delivery: id, webhook: d.endpointId, event: d.event, attempt: attempts, statusCode: outcome.statusCode, ms: outcome.responseMs };
    if (r.affected !== 1) this.o.log.info(ctx, 'webhook delivery was taken over or deleted while it was sent; its outcome is not recorded');
    else if (set.status === 'delivered') this.o.log.debug(ctx, 'webhook delivered');
    else if (set.status === 'failed') this.o.log.warn({ ...ctx, error: outcome.error }, 'webhook delivery failed for good after its last attempt');
    else this.o.log.info({ ...ctx, error: outcome.error, retryAt: next?.status === 'pending' ? next.nextAttemptAt.toISOString() : null }, 'webhook attempt failed; retrying later');
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < 3600_000) return;
    this.lastCleanup = Date.now();
    const r = await this.deliveries.delete({ createdAt: LessThan(new Date(Date.now() - (this.o.retentionMs ?? 14 * DAY))) });
    if (r.affected) this.o.log.info({ deleted: r.affected }, 'webhook deliveries older than the retention deleted');
  }
}
