import type { SecureRouter } from '../auth/permissions.js';
import { NotFoundError } from '../errors.js';
import { parse } from '../http/validate.js';
import { createCustomerBody, customerIdParams, customerQuery } from './crm.schemas.js';
import type { CrmService } from './crm.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
/** Agents create customers too (the unknown caller's one-click "create customer"). */
const WRITE = { allow: ['admin', 'supervisor', 'agent'] } as const;

export function crmRoutes(r: SecureRouter, crm: CrmService): void {
  r.post('/customers', WRITE, async (req, res) => {
    res.status(201).json(await crm.create(parse(createCustomerBody, req.body, 'body')));
  });
  r.get('/customers', READ, async (req, res) => {
    const { phone } = parse(customerQuery, req.query, 'query');
    const found = await crm.findByPhone(phone);
    if (!found) throw new NotFoundError('customer with phone', phone);
    res.json(found);
  });
  r.get('/customers/:id', READ, async (req, res) => {
    res.json(await crm.get(parse(customerIdParams, req.params, 'path').id));
  });
}
