// Callback routes: list and look at callbacks (the queue's stats count them too), ask for one
// on a customer's behalf, cancel one that has not started.
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { callbackListQuery, callbackParams, createCallbackBody } from './acd.schemas.js';
import type { CallbackService } from './callback.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
const ACT = { allow: ['admin', 'supervisor', 'agent'] } as const;

export function callbackRoutes(r: SecureRouter, callbacks: CallbackService): void {
  r.get('/acd/callbacks', { ...READ, query: callbackListQuery }, async (req, res) => {
    res.json({ items: await callbacks.list(input(req, 'query', callbackListQuery)) });
  });
  r.post('/acd/callbacks', { ...ACT, body: createCallbackBody }, async (req, res) => {
    res.status(201).json(await callbacks.create(input(req, 'body', createCallbackBody)));
  });
  r.get('/acd/callbacks/:callbackId', { ...READ, params: callbackParams }, async (req, res) => {
    res.json(await callbacks.get(input(req, 'path', callbackParams).callbackId));
  });
  r.delete('/acd/callbacks/:callbackId', { ...ACT, params: callbackParams }, async (req, res) => {
    res.json(await callbacks.cancel(input(req, 'path', callbackParams).callbackId));
  });
}
