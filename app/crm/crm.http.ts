import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { parse } from '../http/validate.js';
import {
  companyBody, companyListQuery, contactBody, contactParams, createCustomerBody, customerIdParams, customerListQuery, mergeBody, noteBody,
  patchCompanyBody, patchCustomerBody, reminderBody, reminderListQuery, screenPopQuery, tagParams, tagsBody, timelineQuery,
} from './crm.schemas.js';
import type { CrmService } from './crm.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
/** Agents create and edit customers too (the unknown caller's one-click "create customer"). */
const WRITE = { allow: ['admin', 'supervisor', 'agent'] } as const;
/** Merging and deleting customers. */
const MANAGE = { allow: ['admin', 'supervisor'] } as const;

export function crmRoutes(r: SecureRouter, crm: CrmService): void {
  const id = (params: unknown) => parse(customerIdParams, params, 'path').id;
  const actor = (req: Parameters<typeof principalOf>[0]) => principalOf(req).name;

  r.post('/customers', WRITE, async (req, res) => {
    res.status(201).json(await crm.create(parse(createCustomerBody, req.body, 'body'), actor(req)));
  });
  r.get('/customers', READ, async (req, res) => {
    res.json(await crm.list(parse(customerListQuery, req.query, 'query')));
  });
  r.get('/customers/screen-pop', READ, async (req, res) => {
    res.json(await crm.screenPop(parse(screenPopQuery, req.query, 'query').phone));
  });
  r.get('/customers/:id', READ, async (req, res) => {
    res.json(await crm.get(id(req.params)));
  });
  r.patch('/customers/:id', WRITE, async (req, res) => {
    const customerId = id(req.params);
    res.json(await crm.patch(customerId, parse(patchCustomerBody, req.body, 'body'), actor(req)));
  });
  r.delete('/customers/:id', MANAGE, async (req, res) => {
    await crm.remove(id(req.params), actor(req));
    res.status(204).end();
  });
  r.post('/customers/:id/tags', WRITE, async (req, res) => {
    const customerId = id(req.params);
    res.json({ tags: await crm.addTags(customerId, parse(tagsBody, req.body, 'body').tags) });
  });
  r.delete('/customers/:id/tags/:tag', WRITE, async (req, res) => {
    const p = parse(tagParams, req.params, 'path');
    await crm.removeTag(p.id, p.tag);
    res.status(204).end();
  });
  r.post('/customers/:id/merge', MANAGE, async (req, res) => {
    const survivor = id(req.params);
    res.json(await crm.merge(survivor, parse(mergeBody, req.body, 'body').duplicateId, actor(req)));
  });
  r.get('/customers/:id/timeline', READ, async (req, res) => {
    const customerId = id(req.params);
    res.json(await crm.timeline(customerId, parse(timelineQuery, req.query, 'query')));
  });
  r.post('/customers/:id/notes', WRITE, async (req, res) => {
    const customerId = id(req.params);
    res.status(201).json(await crm.addNote(customerId, parse(noteBody, req.body, 'body').text, actor(req)));
  });
  r.post('/customers/:id/reminders', WRITE, async (req, res) => {
    const customerId = id(req.params);
    const body = parse(reminderBody, req.body, 'body');
    const who = principalOf(req);
    res.status(201).json(await crm.reminders.create(customerId, { ...body, agentId: body.agentId ?? who.id }, who.name));
  });

  r.get('/reminders', READ, async (req, res) => {
    res.json(await crm.reminders.list(parse(reminderListQuery, req.query, 'query')));
  });
  r.post('/reminders/:id/complete', WRITE, async (req, res) => {
    res.json(await crm.reminders.complete(id(req.params)));
  });

  r.post('/companies', WRITE, async (req, res) => {
    res.status(201).json(await crm.companies.create(parse(companyBody, req.body, 'body')));
  });
  r.get('/companies', READ, async (req, res) => {
    res.json(await crm.companies.list(parse(companyListQuery, req.query, 'query')));
  });
  r.get('/companies/:id', READ, async (req, res) => {
    res.json(await crm.companies.get(id(req.params)));
  });
  r.patch('/companies/:id', WRITE, async (req, res) => {
    const companyId = id(req.params);
    res.json(await crm.companies.patch(companyId, parse(patchCompanyBody, req.body, 'body')));
  });
  r.post('/companies/:id/contacts', WRITE, async (req, res) => {
    const companyId = id(req.params);
    const body = parse(contactBody, req.body, 'body');
    res.status(201).json(await crm.companies.addContact(companyId, body.customerId, body.role));
  });
  r.delete('/companies/:id/contacts/:customerId', WRITE, async (req, res) => {
    const p = parse(contactParams, req.params, 'path');
    await crm.companies.removeContact(p.id, p.customerId);
    res.status(204).end();
  });
}
