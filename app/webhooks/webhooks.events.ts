// The events an endpoint can subscribe to (docs/api/webhooks.md). `ping` is sent only by
// "Send test" and cannot be subscribed to.
export const WEBHOOK_EVENTS = [
  'call.ended',
  'queue.caller',
  'agent.state',
  'queue.callback',
  'fax.received',
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'ticket.sla_due',
  'voicemail.new',
  'survey.answered',
  'campaign.contact.done',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export type DeliveryEvent = WebhookEvent | 'ping';

/** The LiveHub event types that are webhook events of the same name (data = the event without `type`). */
export const LIVE_EVENTS = ['queue.caller', 'agent.state', 'queue.callback', 'fax.received', 'ticket.sla_due', 'voicemail.new', 'survey.answered', 'campaign.contact.done'] as const satisfies readonly WebhookEvent[];
export type LiveWebhookEvent = (typeof LIVE_EVENTS)[number];

export function isLiveWebhookEvent(type: string): type is LiveWebhookEvent {
  return (LIVE_EVENTS as readonly string[]).includes(type);
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
