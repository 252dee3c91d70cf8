// Callback routes: list and look at callbacks (the queue's stats count them too), ask for one
// on a customer's behalf, cancel one that has not started.
import type { SecureRouter } from '../auth/permissions.js';
import { parse } from '../http/validate.js';
import { callbackListQuery, callbackParams, createCallbackBody } from './acd.schemas.js';
import type { CallbackService } from './callback.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
const ACT = { allow: ['admin', 'supervisor', 'agent'] } as const;

export function callbackRoutes(r: SecureRouter, callbacks: CallbackService): void {
  r.get('/acd/callbacks', READ, async (req, res) => {
    res.json({ items: await callbacks.list(parse(callbackListQuery, req.query, 'query')) });
  });
  r.post('/acd/callbacks', ACT, async (req, res) => {
    res.status(201).json(await callbacks.create(parse(createCallbackBody, req.body, 'body')));
  });
  r.get('/acd/callbacks/:callbackId', READ, async (req, res) => {
    res.json(await callbacks.get(parse(callbackParams, req.params, 'path').callbackId));
  });
  r.delete('/acd/callbacks/:callbackId', ACT, async (req, res) => {
    res.json(await callbacks.cancel(parse(callbackParams, req.params, 'path').callbackId));
  });
}
