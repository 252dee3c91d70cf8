// Webhook endpoints (create, change, rotate the secret, delete with their deliveries), the
// deliveries' reads and manual retry, and enqueueing: one delivery row per event and enabled
// endpoint that subscribed to it. The enabled endpoints are cached for a few seconds (and
// reloaded at once after every change made through this node), so that an event nobody
// subscribed to costs no query.
import { randomUUID } from 'node:crypto';
import { In, type DataSource, type Repository } from 'typeorm';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { WebhookDelivery, WebhookEndpoint } from './webhooks.entities.js';
import { WebhookDeliveryDeliveredError, WebhookDeliveryNotFoundError, WebhookNotFoundError } from './webhooks.errors.js';
import type { DeliveryEvent, WebhookEvent } from './webhooks.events.js';
import type { CreateWebhookInput, DeliveriesQuery, UpdateWebhookInput } from './webhooks.schemas.js';
import { newSecret } from './webhooks.signature.js';
import { deliveryDetailView, deliveryView, endpointView, NO_STATS, type EndpointStats } from './webhooks.views.js';

interface CachedEndpoint {
  id: string;
  events: Set<string>;
}

export interface WebhooksServiceOptions {
  log: Logger;
  /** How long the cached list of enabled endpoints is trusted (default 5 s). */
  cacheMs?: number;
  /** Called after deliveries were enqueued (the sender's tick). */
  onEnqueued?: () => void;
}

export class WebhooksService {
  private readonly endpoints: Repository<WebhookEndpoint>;
  private readonly deliveries: Repository<WebhookDelivery>;
  private cache: { at: number; endpoints: CachedEndpoint[] } | null = null;
  private loading: Promise<CachedEndpoint[]> | null = null;
  private generation = 0;
  private closed = false;
  private readonly queueing = new Set<Promise<void>>();

  constructor(
    private readonly db: DataSource,
    private readonly o: WebhooksServiceOptions,
  ) {
    this.endpoints = db.getRepository(WebhookEndpoint);
    this.deliveries = db.getRepository(WebhookDelivery);
  }

  // ---- endpoints -------------------------------------------------------------------------

  async list() {
    const rows = await this.endpoints.find({ order: { createdAt: 'ASC', id: 'ASC' } });
    const stats = await this.stats(rows.map((r) => r.id));
    return rows.map((r) => endpointView(r, stats.get(r.id)));
  }

  async create(input: CreateWebhookInput) {
    const now = new Date();
    const row = this.endpoints.create({ id: randomUUID(), name: input.name, url: input.url, events: JSON.stringify(input.events), secret: newSecret(), enabled: input.enabled ?? true, createdAt: now, updatedAt: now });
    await this.endpoints.insert(row);
    this.changed();
    this.o.log.info({ webhook: row.id, name: row.name, events: input.events }, 'webhook endpoint created');
    return { ...endpointView(row), secret: row.secret };
  }

  async update(id: string, patch: UpdateWebhookInput) {
    const row = await this.find(id);
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.url !== undefined) row.url = patch.url;
    if (patch.events !== undefined) row.events = JSON.stringify(patch.events);
    if (patch.enabled !== undefined) row.enabled = patch.enabled;
    row.updatedAt = new Date();
    await this.endpoints.update({ id }, { name: row.name, url: row.url, events: row.events, enabled: row.enabled, updatedAt: row.updatedAt });
    this.changed();
    this.o.log.info({ webhook: id, fields: Object.keys(patch) }, 'webhook endpoint changed');
    return endpointView(row, (await this.stats([id])).get(id));
  }

  /** Deletes the endpoint and all its deliveries. */
  async remove(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const r = await m.delete(WebhookEndpoint, { id });
      if (!r.affected) throw new WebhookNotFoundError(id);
      await m.delete(WebhookDelivery, { endpointId: id });
    });
    this.changed();
    this.o.log.info({ webhook: id }, 'webhook endpoint deleted with its deliveries');
  }

  /** A new secret; the old one signs nothing from now on (deliveries are signed when sent). */
  async rotateSecret(id: string): Promise<{ secret: string }> {
    await this.find(id);
    const secret = newSecret();
    await this.endpoints.update({ id }, { secret, updatedAt: new Date() });
    this.o.log.info({ webhook: id }, 'webhook secret rotated');
    return { secret };
  }

  /** Queues a `ping` to this endpoint ("Send test"); it is delivered like any other event. */
  async test(id: string): Promise<{ deliveryId: string }> {
    const row = await this.find(id);
    const [deliveryId] = await this.insertDeliveries([row.id], 'ping', new Date(), { webhook: row.name });
    this.o.onEnqueued?.();
    return { deliveryId: deliveryId! };
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const row = await this.endpoints.findOne({ where: { id } });
    if (!row) throw new WebhookNotFoundError(id);
    return row;
  }

  private async stats(ids: string[]): Promise<Map<string, EndpointStats>> {
    const out = new Map<string, EndpointStats>();
    if (!ids.length) return out;
    for (const id of ids) out.set(id, { ...NO_STATS });
    const counts = await this.deliveries
      .createQueryBuilder('d')
      .select('d.endpointId', 'endpointId')
      .addSelect('d.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('d.endpointId IN (:...ids)', { ids })
      .andWhere("d.status IN ('pending', 'sending', 'failed')")
      .groupBy('d.endpointId')
      .addGroupBy('d.status')
      .getRawMany<{ endpointId: string; status: string; n: number | string }>();
    for (const c of counts) {
      const s = out.get(c.endpointId)!;
      if (c.status === 'failed') s.failed += Number(c.n);
      else s.pending += Number(c.n);
    }
    for (const id of ids) {
      const last = await this.deliveries.findOne({ where: { endpointId: id, status: 'delivered' }, order: { deliveredAt: 'DESC' }, select: { id: true, deliveredAt: true } });
      out.get(id)!.lastDeliveredAt = last?.deliveredAt ?? null;
    }
    return out;
  }

  // ---- deliveries ------------------------------------------------------------------------

  async listDeliveries(endpointId: string, q: DeliveriesQuery) {
    await this.find(endpointId);
    const [rows, total] = await this.deliveries.findAndCount({
      where: { endpointId, ...(q.status ? { status: q.status } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
    return { items: rows.map(deliveryView), total };
  }

  async delivery(id: string) {
    const row = await this.deliveries.findOne({ where: { id } });
    if (!row) throw new WebhookDeliveryNotFoundError(id);
    return deliveryDetailView(row);
  }

  /** Back to pending, due now, attempts kept (a failed retry fails it again). Refused once delivered. */
  async retry(id: string) {
    const row = await this.deliveries.findOne({ where: { id } });
    if (!row) throw new WebhookDeliveryNotFoundError(id);
    if (row.status === 'delivered') throw new WebhookDeliveryDeliveredError(id);
    const now = new Date();
    // Not while another node sends it (claimed, not yet expired): then it is already being tried.
    const r = await this.deliveries
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: 'pending', nextAttemptAt: now, claimedUntil: null })
      .where("id = :id AND (status IN ('pending', 'failed') OR (status = 'sending' AND claimed_until < :now))", { id, now })
      .execute();
    const after = await this.deliveries.findOne({ where: { id } });
    if (!after) throw new WebhookDeliveryNotFoundError(id);
    if (after.status === 'delivered') throw new WebhookDeliveryDeliveredError(id);
    if (r.affected) {
      this.o.log.info({ delivery: id, webhook: row.endpointId, event: row.event }, 'webhook delivery queued again by hand');
      this.o.onEnqueued?.();
    }
    return deliveryView(after);
  }

  // ---- enqueueing ------------------------------------------------------------------------

  /** The enabled endpoints and the events they want (cached; see the header). */
  private async enabled(): Promise<CachedEndpoint[]> {
    if (this.cache && Date.now() - this.cache.at < (this.o.cacheMs ?? 5000)) return this.cache.endpoints;
    if (this.loading) return this.loading;
    const generation = this.generation;
    this.loading = this.endpoints
      .find({ where: { enabled: true }, select: { id: true, events: true } })
      .then((rows) => {
        const endpoints = rows.map((r) => ({ id: r.id, events: new Set(JSON.parse(r.events) as string[]) }));
        // A change made while loading makes this answer stale: used once, not cached.
        if (generation === this.generation) this.cache = { at: Date.now(), endpoints };
        return endpoints;
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private changed(): void {
    this.generation++;
    this.cache = null;
  }

  /**
   * Whether some enabled endpoint may want `event`, answered from the cache without a query:
   * false only when the cache is fresh and no endpoint wants it (the call hot path's test).
   */
  mayWant(event: WebhookEvent): boolean {
    if (!this.cache || Date.now() - this.cache.at >= (this.o.cacheMs ?? 5000)) return true;
    return this.cache.endpoints.some((e) => e.events.has(event));
  }

  /**
   * Queues `event` for every enabled endpoint that subscribed to it. `data` is computed only
   * when some endpoint wants the event (a function, so an unwanted event reads nothing).
   * Never rejects: a failure is logged.
   */
  enqueue(event: WebhookEvent, at: Date, data: unknown | (() => Promise<unknown>)): Promise<void> {
    if (this.closed) return Promise.resolve();
    const p = this.queue(event, at, data).finally(() => this.queueing.delete(p));
    this.queueing.add(p);
    return p;
  }

  /** Queues nothing more; resolves once the events being queued are written. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queueing]);
  }

  private async queue(event: WebhookEvent, at: Date, data: unknown): Promise<void> {
    try {
      const targets = (await this.enabled()).filter((e) => e.events.has(event)).map((e) => e.id);
      if (!targets.length) return;
      const value = typeof data === 'function' ? await (data as () => Promise<unknown>)() : data;
      if (value === undefined) return;
      await this.insertDeliveries(targets, event, at, value);
      this.o.onEnqueued?.();
    } catch (err) {
      logFailure(this.o.log, `webhooks: queueing a ${event} event`)(err);
    }
  }

  private async insertDeliveries(endpointIds: string[], event: DeliveryEvent, at: Date, data: unknown): Promise<string[]> {
    const now = new Date();
    const rows = endpointIds.map((endpointId) => {
      const id = randomUUID();
      return this.deliveries.create({
        id,
        endpointId,
        event,
        payload: JSON.stringify({ id, event, at: at.toISOString(), data }),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        claimedUntil: null,
        lastStatusCode: null,
        lastError: null,
        responseMs: null,
        createdAt: now,
        deliveredAt: null,
      });
    });
    await this.deliveries.insert(rows);
    return rows.map((r) => r.id);
  }

  /** Endpoints by id with what the sender needs (url, secret, enabled). */
  async targets(ids: string[]): Promise<Map<string, WebhookEndpoint>> {
    if (!ids.length) return new Map();
    const rows = await this.endpoints.find({ where: { id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r]));
  }
}
