// Routes for IVR flows, versions, numbers and dry runs. Thin: parse, call, map.
import type { SecureRouter } from '../auth/permissions.js';
import { parse } from '../http/validate.js';
import { dryRun } from './ivr.dry-run.js';
import type { PromptLibrary } from './ivr.ports.js';
import {
  createFlowBody,
  dryRunBody,
  flowNameParams,
  flowVersionParams,
  mapNumberBody,
  numberParams,
  rollbackBody,
  saveDraftBody,
} from './ivr.schemas.js';
import type { IvrService } from './ivr.service.js';
import type { CustomerDirectory } from './runtime/runtime.js';
import type { Logger } from '../logger.js';
import { NotFoundError } from '../errors.js';

/** Admins build and publish flows; supervisors may read them. */
const ADMIN = { allow: ['admin'], audit: 'config.change' } as const;
const ADMIN_READ = { allow: ['admin'] } as const;
const READ = { allow: ['admin', 'supervisor'] } as const;

export function ivrRoutes(r: SecureRouter, ivr: IvrService, deps: { prompts: PromptLibrary; customers?: CustomerDirectory; log: Logger }): void {
  r.get('/ivr/flows', READ, async (_req, res) => {
    res.json({ items: await ivr.list() });
  });
  r.post('/ivr/flows', ADMIN, async (req, res) => {
    const body = parse(createFlowBody, req.body, 'body');
    res.status(201).json(await ivr.create(body.name, body.description, body.definition));
  });
  r.get('/ivr/flows/:name', READ, async (req, res) => {
    res.json(await ivr.get(parse(flowNameParams, req.params, 'path').name));
  });
  r.put('/ivr/flows/:name/draft', ADMIN, async (req, res) => {
    const { name } = parse(flowNameParams, req.params, 'path');
    const body = parse(saveDraftBody, req.body, 'body');
    res.json(await ivr.saveDraft(name, body.definition, body.description));
  });
  r.get('/ivr/flows/:name/versions/:version', READ, async (req, res) => {
    const { name, version } = parse(flowVersionParams, req.params, 'path');
    res.json(await ivr.version(name, version));
  });
  r.post('/ivr/flows/:name/validate', ADMIN_READ, async (req, res) => {
    res.json(await ivr.validateDraft(parse(flowNameParams, req.params, 'path').name));
  });
  r.post('/ivr/flows/:name/publish', ADMIN, async (req, res) => {
    res.json(await ivr.publish(parse(flowNameParams, req.params, 'path').name));
  });
  r.post('/ivr/flows/:name/rollback', ADMIN, async (req, res) => {
    const { name } = parse(flowNameParams, req.params, 'path');
    res.json(await ivr.rollback(name, parse(rollbackBody, req.body, 'body').version));
  });
  r.post('/ivr/flows/:name/default', ADMIN, async (req, res) => {
    await ivr.setDefault(parse(flowNameParams, req.params, 'path').name);
    res.status(204).end();
  });
  r.post('/ivr/flows/:name/dry-run', ADMIN_READ, async (req, res) => {
    const { name } = parse(flowNameParams, req.params, 'path');
    res.json(await dryRun({ ivr, ...deps }, name, parse(dryRunBody, req.body ?? {}, 'body')));
  });
  r.get('/ivr/numbers', READ, async (_req, res) => {
    res.json({ items: await ivr.numbers() });
  });
  r.put('/ivr/numbers/:number', ADMIN, async (req, res) => {
    const { number } = parse(numberParams, req.params, 'path');
    await ivr.mapNumber(number, parse(mapNumberBody, req.body, 'body').flow);
    res.json({ number, flow: req.body.flow });
  });
  r.delete('/ivr/numbers/:number', ADMIN, async (req, res) => {
    const { number } = parse(numberParams, req.params, 'path');
    if (!(await ivr.unmapNumber(number))) throw new NotFoundError('number', number);
    res.status(204).end();
  });
}
