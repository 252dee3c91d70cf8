// Wires outgoing webhooks: the endpoints' service and routes, the sender (active node only),
// and the event sources (LiveHub, ended calls, tickets), each an optional listener.
import type { DataSource } from 'typeorm';
import type { LiveEvent, LiveHub } from '../acd/acd.live.js';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { TicketListener } from '../tickets/tickets.service.js';
import { retryDelays } from './webhooks.backoff.js';
import { webhooksRoutes } from './webhooks.http.js';
import { WebhookSender } from './webhooks.sender.js';
import { WebhooksService } from './webhooks.service.js';
import { callEndedSource, liveSource, ticketSource, type TicketReads } from './webhooks.sources.js';

export interface WebhooksDeps {
  db: DataSource;
  /** HA: `() => elector.role === 'active'`; only the active node sends and turns live events into deliveries. */
  isActive: () => boolean;
  log: Logger;
  routes: SecureRouter;
  /** HOTLINE_WEBHOOK_RETRY_MS (empty: the default schedule). */
  retryMs?: number[];
  /** The live feed and how to tell the events another node relayed. */
  live?: { hub: LiveHub; wasRelayed: (e: LiveEvent) => boolean };
  /** Ended call records: a listener registration and the record's JSON. */
  calls?: { onEnded(fn: (id: string, at: Date) => void): void; recordJson(id: string): Promise<{ endedAt: Date | null } | null> };
  /** Ticket changes: a listener registration and the ticket's view. */
  tickets?: TicketReads & { onChange(fn: TicketListener): void };
}

export function createWebhooksModule(deps: WebhooksDeps) {
  const log = deps.log.child({ module: 'webhooks' });
  let sender: WebhookSender | undefined;
  const service = new WebhooksService(deps.db, { log, onEnqueued: () => sender?.tick() });
  const delays = retryDelays(deps.retryMs);
  // Every second; more often when the retry waits are shorter (HOTLINE_WEBHOOK_RETRY_MS in tests).
  sender = new WebhookSender(deps.db, { isActive: deps.isActive, log, delays, everyMs: Math.max(100, Math.min(1000, ...delays)) });
  webhooksRoutes(deps.routes, service);
  const onLive = deps.live && liveSource(service, { isActive: deps.isActive, wasRelayed: deps.live.wasRelayed });
  if (deps.live && onLive) deps.live.hub.on('event', onLive);
  deps.calls?.onEnded(callEndedSource(service, (id) => deps.calls!.recordJson(id)));
  deps.tickets?.onChange(ticketSource(service, deps.tickets));
  const s = sender;
  return {
    service,
    sender: s,
    router: deps.routes.router,
    start: () => s.start(),
    async stop() {
      if (deps.live && onLive) deps.live.hub.off('event', onLive);
      await service.close();
      await s.stop();
    },
  };
}

export type WebhooksModule = ReturnType<typeof createWebhooksModule>;
