// Routes of the webhooks API (admins only). Thin: parse with zod, call the service, map.
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { createWebhookBody, deliveriesQuery, deliveryParams, updateWebhookBody, webhookParams } from './webhooks.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

const READ = { allow: ['admin'] } as const;
const WRITE = { allow: ['admin'], audit: 'config.change' } as const;

export function webhooksRoutes(r: SecureRouter, webhooks: WebhooksService): void {
  // The deliveries' own routes first (a delivery id is never an endpoint id, but the paths read clearer so).
  r.get('/webhooks/deliveries/:deliveryId', { ...READ, params: deliveryParams }, async (req, res) => {
    res.json(await webhooks.delivery(input(req, 'path', deliveryParams).deliveryId));
  });
  r.post('/webhooks/deliveries/:deliveryId/retry', { ...WRITE, params: deliveryParams }, async (req, res) => {
    res.status(202).json(await webhooks.retry(input(req, 'path', deliveryParams).deliveryId));
  });
  r.get('/webhooks', READ, async (_req, res) => {
    res.json({ items: await webhooks.list() });
  });
  r.post('/webhooks', { ...WRITE, body: createWebhookBody }, async (req, res) => {
    res.status(201).json(await webhooks.create(input(req, 'body', createWebhookBody)));
  });
  r.put('/webhooks/:id', { ...WRITE, params: webhookParams, body: updateWebhookBody }, async (req, res) => {
    const { id } = input(req, 'path', webhookParams);
    res.json(await webhooks.update(id, input(req, 'body', updateWebhookBody)));
  });
  r.delete('/webhooks/:id', { ...WRITE, params: webhookParams }, async (req, res) => {
    await webhooks.remove(input(req, 'path', webhookParams).id);
    res.status(204).end();
  });
  r.post('/webhooks/:id/secret', { ...WRITE, params: webhookParams }, async (req, res) => {
    res.json(await webhooks.rotateSecret(input(req, 'path', webhookParams).id));
  });
  r.post('/webhooks/:id/test', { ...WRITE, params: webhookParams }, async (req, res) => {
    res.status(202).json(await webhooks.test(input(req, 'path', webhookParams).id));
  });
  r.get('/webhooks/:id/deliveries', { ...READ, params: webhookParams, query: deliveriesQuery }, async (req, res) => {
    const { id } = input(req, 'path', webhookParams);
    res.json(await webhooks.listDeliveries(id, input(req, 'query', deliveriesQuery)));
  });
}
