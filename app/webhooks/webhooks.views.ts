// JSON views of endpoints and deliveries (the secret never appears; only its last 4 characters).
import type { WebhookDelivery, WebhookEndpoint } from './webhooks.entities.js';
import { secretHint } from './webhooks.signature.js';

export interface EndpointStats {
  pending: number;
  failed: number;
  lastDeliveredAt: Date | null;
}

export const NO_STATS: EndpointStats = { pending: 0, failed: 0, lastDeliveredAt: null };

export function endpointView(e: WebhookEndpoint, stats: EndpointStats = NO_STATS) {
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    events: JSON.parse(e.events) as string[],
    enabled: Boolean(e.enabled),
    secretHint: secretHint(e.secret),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
    stats: { pending: stats.pending, failed: stats.failed, lastDeliveredAt: stats.lastDeliveredAt?.toISOString() ?? null },
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

/** nextAttemptAt: when a pending (or sending) delivery is tried next; null once it is delivered or failed. */
export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: Number(d.attempts),
    nextAttemptAt: d.status === 'pending' || d.status === 'sending' ? d.nextAttemptAt.toISOString() : null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    responseMs: d.responseMs,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}

export function deliveryDetailView(d: WebhookDelivery) {
  return { ...deliveryView(d), payload: JSON.parse(d.payload) as unknown };
}
