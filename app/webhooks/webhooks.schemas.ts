// Request schemas of the webhooks API (strict: an unknown field or parameter is a 400).
import { z } from 'zod';
import { DELIVERY_STATUSES, WEBHOOK_EVENTS } from './webhooks.events.js';

/** http(s) only, at most 2000 characters, no user:password@ (a secret in the URL would be shown and logged). */
const webhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  .refine((v) => {
    try {
      const u = new URL(v);
      return !u.username && !u.password;
    } catch {
      return true;
    }
  }, 'must not carry a user name or password (the signature authenticates Hotline)');

const name = z.string().trim().min(1).max(64);

/** At least one subscribable event (ping is sent only by "Send test"); repeats are kept once. */
const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `must be one of: ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, 'choose at least one event')
  .max(WEBHOOK_EVENTS.length * 4)
  .transform((e) => [...new Set(e)]);

export const createWebhookBody = z.strictObject({
  name,
  url: webhookUrl,
  events,
  enabled: z.boolean().optional(),
});

export const updateWebhookBody = z.strictObject({
  name: name.optional(),
  url: webhookUrl.optional(),
  events: events.optional(),
  enabled: z.boolean().optional(),
});

export const webhookParams = z.strictObject({ id: z.uuid() });
export const deliveryParams = z.strictObject({ deliveryId: z.uuid() });

export const deliveriesQuery = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export type CreateWebhookInput = z.infer<typeof createWebhookBody>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookBody>;
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;
