import { Router } from 'express';
import { NotFoundError } from '../errors.js';
import { parse } from '../http/validate.js';
import { createCustomerBody, customerIdParams, customerQuery } from './crm.schemas.js';
import type { CrmService } from './crm.service.js';

export function crmRouter(crm: CrmService): Router {
  const r = Router();
  r.post('/customers', async (req, res) => {
    res.status(201).json(await crm.create(parse(createCustomerBody, req.body, 'body')));
  });
  r.get('/customers', async (req, res) => {
    const { phone } = parse(customerQuery, req.query, 'query');
    const found = await crm.findByPhone(phone);
    if (!found) throw new NotFoundError('customer with phone', phone);
    res.json(found);
  });
  r.get('/customers/:id', async (req, res) => {
    res.json(await crm.get(parse(customerIdParams, req.params, 'path').id));
  });
  return r;
}
