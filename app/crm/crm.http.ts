import type { Request } from 'express';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
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
  const id = (req: Request) => input(req, 'path', customerIdParams).id;
  const actor = (req: Parameters<typeof principalOf>[0]) => principalOf(req).name;

  r.post('/customers', { ...WRITE, body: createCustomerBody }, async (req, res) => {
    res.status(201).json(await crm.create(input(req, 'body', createCustomerBody), actor(req)));
  });
  r.get('/customers', { ...READ, query: customerListQuery }, async (req, res) => {
    res.json(await crm.list(input(req, 'query', customerListQuery)));
  });
  r.get('/customers/screen-pop', { ...READ, query: screenPopQuery }, async (req, res) => {
    res.json(await crm.screenPop(input(req, 'query', screenPopQuery).phone));
  });
  r.get('/customers/:id', { ...READ, params: customerIdParams }, async (req, res) => {
    res.json(await crm.get(id(req)));
  });
  r.patch('/customers/:id', { ...WRITE, params: customerIdParams, body: patchCustomerBody }, async (req, res) => {
    const customerId = id(req);
    res.json(await crm.patch(customerId, input(req, 'body', patchCustomerBody), actor(req)));
  });
  r.delete('/customers/:id', { ...MANAGE, params: customerIdParams }, async (req, res) => {
    await crm.remove(id(req), actor(req));
    res.status(204).end();
  });
  r.post('/customers/:id/tags', { ...WRITE, params: customerIdParams, body: tagsBody }, async (req, res) => {
    const customerId = id(req);
    res.json({ tags: await crm.addTags(customerId, input(req, 'body', tagsBody).tags) });
  });
  r.delete('/customers/:id/tags/:tag', { ...WRITE, params: tagParams }, async (req, res) => {
    const p = input(req, 'path', tagParams);
    await crm.removeTag(p.id, p.tag);
    res.status(204).end();
  });
  r.post('/customers/:id/merge', { ...MANAGE, params: customerIdParams, body: mergeBody }, async (req, res) => {
    const survivor = id(req);
    res.json(await crm.merge(survivor, input(req, 'body', mergeBody).duplicateId, actor(req)));
  });
  r.get('/customers/:id/timeline', { ...READ, params: customerIdParams, query: timelineQuery }, async (req, res) => {
    const customerId = id(req);
    res.json(await crm.timeline(customerId, input(req, 'query', timelineQuery)));
  });
  r.post('/customers/:id/notes', { ...WRITE, params: customerIdParams, body: noteBody }, async (req, res) => {
    const customerId = id(req);
    res.status(201).json(await crm.addNote(customerId, input(req, 'body', noteBody).text, actor(req)));
  });
  r.post('/customers/:id/reminders', { ...WRITE, params: customerIdParams, body: reminderBody }, async (req, res) => {
    const customerId = id(req);
    const body = input(req, 'body', reminderBody);
    const who = principalOf(req);
    const forOther = !!body.agentId && body.agentId !== who.id;
    res.status(201).json(await crm.reminders.create(customerId, { ...body, agentId: body.agentId ?? who.id }, who.name, forOther));
  });

  r.get('/reminders', { ...READ, query: reminderListQuery }, async (req, res) => {
    res.json(await crm.reminders.list(input(req, 'query', reminderListQuery)));
  });
  r.post('/reminders/:id/complete', { ...WRITE, params: customerIdParams }, async (req, res) => {
    res.json(await crm.reminders.complete(id(req)));
  });

  r.post('/companies', { ...WRITE, body: companyBody }, async (req, res) => {
    res.status(201).json(await crm.companies.create(input(req, 'body', companyBody)));
  });
  r.get('/companies', { ...READ, query: companyListQuery }, async (req, res) => {
    res.json(await crm.companies.list(input(req, 'query', companyListQuery)));
  });
  r.get('/companies/:id', { ...READ, params: customerIdParams }, async (req, res) => {
    res.json(await crm.companies.get(id(req)));
  });
  r.patch('/companies/:id', { ...WRITE, params: customerIdParams, body: patchCompanyBody }, async (req, res) => {
    const companyId = id(req);
    res.json(await crm.companies.patch(companyId, input(req, 'body', patchCompanyBody)));
  });
  r.delete('/companies/:id', { ...MANAGE, params: customerIdParams }, async (req, res) => {
    await crm.companies.remove(id(req));
    res.status(204).end();
  });
  r.post('/companies/:id/contacts', { ...WRITE, params: customerIdParams, body: contactBody }, async (req, res) => {
    const companyId = id(req);
    const body = input(req, 'body', contactBody);
    res.status(201).json(await crm.companies.addContact(companyId, body.customerId, body.role));
  });
  r.delete('/companies/:id/contacts/:customerId', { ...WRITE, params: contactParams }, async (req, res) => {
    const p = input(req, 'path', contactParams);
    await crm.companies.removeContact(p.id, p.customerId);
    res.status(204).end();
  });
}
