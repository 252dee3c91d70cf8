// Where webhook events come from: the LiveHub (active node only, never an event the relay
// brought from the other node), ended call records, and ticket changes. Each source only
// queues deliveries (WebhooksService.enqueue); the sender delivers them.
import type { LiveEvent } from '../acd/acd.live.js';
import type { TicketChangeEvent } from '../tickets/tickets.service.js';
import { isLiveWebhookEvent } from './webhooks.events.js';
import type { WebhooksService } from './webhooks.service.js';

/** A LiveHub event as webhook data: the event without its `type`. */
export function liveEventData(e: LiveEvent): { at: Date; data: Record<string, unknown> } {
  const { type: _type, ...data } = e;
  const when = 'at' in e && typeof e.at === 'string' ? e.at : 'since' in e && typeof e.since === 'string' ? e.since : null;
  const at = when && !Number.isNaN(Date.parse(when)) ? new Date(when) : new Date();
  return { at, data };
}

export function liveSource(webhooks: WebhooksService, o: { isActive: () => boolean; wasRelayed: (e: LiveEvent) => boolean }) {
  return (e: LiveEvent): void => {
    // As the other sources: no copy of the event and no queueing when the cache says nobody wants it.
    if (!isLiveWebhookEvent(e.type) || !o.isActive() || o.wasRelayed(e) || !webhooks.mayWant(e.type)) return;
    const { at, data } = liveEventData(e);
    void webhooks.enqueue(e.type, at, data);
  };
}

/**
 * call.ended: the record as GET /api/calls/:id gives it. The hot path (every call) costs one
 * cache look-up when no endpoint wants the event: no query.
 */
export function callEndedSource(webhooks: WebhooksService, recordJson: (id: string) => Promise<{ endedAt: Date | null } | null>) {
  return (id: string, at: Date): void => {
    if (!webhooks.mayWant('call.ended')) return;
    void webhooks.enqueue('call.ended', at, async () => (await recordJson(id)) ?? undefined);
  };
}

export interface TicketReads {
  get(ref: string): Promise<unknown>;
}

/** ticket.created / ticket.updated / ticket.commented: { ticket, change?, comment?, actor }. */
export function ticketSource(webhooks: WebhooksService, tickets: TicketReads) {
  return (e: TicketChangeEvent): void => {
    const event = e.type === 'created' ? 'ticket.created' : e.type === 'updated' ? 'ticket.updated' : 'ticket.commented';
    if (!webhooks.mayWant(event)) return;
    void webhooks.enqueue(event, e.at, async () => {
      const ticket = ('ticket' in e && e.ticket) || (await tickets.get(e.ticketId));
      return {
        ticket,
        ...(e.type === 'updated' ? { change: e.changes.map(([field, from, to]) => ({ field, from: json(from), to: json(to) })) } : {}),
        ...(e.type === 'commented' ? { comment: e.comment } : {}),
        actor: e.actor,
      };
    });
  };
}

const json = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
