// Outgoing webhooks (docs/api/webhooks.md): the admin console's Webhooks tab.
import { api } from './client';

/** The events an endpoint can ask for, in the order the form lists them (`ping` comes only from "Send test"). */
export { WEBHOOK_EVENTS, type WebhookEvent } from '@server/webhooks/webhooks.events';

export interface Webhook {
  id: string; name: string; url: string; events: string[]; enabled: boolean; secretHint: string;
  createdAt: string; updatedAt: string;
  stats?: { pending: number; failed: number; lastDeliveredAt: string | null };
}
export type { DeliveryStatus } from '@server/webhooks/webhooks.events';
import type { DeliveryStatus } from '@server/webhooks/webhooks.events';
export interface Delivery {
  id: string; event: string; status: DeliveryStatus; attempts: number; nextAttemptAt: string | null;
  lastStatusCode: number | null; lastError: string | null; responseMs: number | null; createdAt: string; deliveredAt: string | null;
  payload?: unknown;
}
export interface WebhookBody { name: string; url: string; events: string[]; enabled: boolean }

const at = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;
export const webhooksApi = {
  list: () => api.get<{ items: Webhook[] }>('/api/webhooks'),
  create: (body: WebhookBody) => api.post<Webhook & { secret: string }>('/api/webhooks', body),
  update: (id: string, body: Partial<WebhookBody>) => api.put<Webhook>(at(id), body),
  remove: (id: string) => api.del<void>(at(id)),
  rotate: (id: string) => api.post<{ secret: string }>(`${at(id)}/secret`),
  test: (id: string) => api.post<{ deliveryId: string }>(`${at(id)}/test`),
  deliveries: (id: string, q: { status?: string; limit?: number; offset?: number }) => api.get<{ items: Delivery[]; total: number }>(`${at(id)}/deliveries`, q),
  delivery: (id: string) => api.get<Delivery>(`/api/webhooks/deliveries/${encodeURIComponent(id)}`),
  retry: (id: string) => api.post<void>(`/api/webhooks/deliveries/${encodeURIComponent(id)}/retry`),
};
