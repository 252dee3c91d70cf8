// Routes for IVR flows, versions, numbers and dry runs. Thin: parse, call, map.
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
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

export function ivrRoutes(r: SecureRouter, ivr: IvrService, deps: { prompts: PromptLibrary; customers?: CustomerDirectory; log: Logger; compiled: () => Promise<Array<{ number: string }>> }): void {
  r.get('/ivr/flows', READ, async (_req, res) => {
    res.json({ items: await ivr.list() });
  });
  r.post('/ivr/flows', { ...ADMIN, body: createFlowBody }, async (req, res) => {
    const body = input(req, 'body', createFlowBody);
    res.status(201).json(await ivr.create(body.name, body.description, body.definition));
  });
  r.get('/ivr/flows/:name', { ...READ, params: flowNameParams }, async (req, res) => {
    res.json(await ivr.get(input(req, 'path', flowNameParams).name));
  });
  r.put('/ivr/flows/:name/draft', { ...ADMIN, params: flowNameParams, body: saveDraftBody }, async (req, res) => {
    const { name } = input(req, 'path', flowNameParams);
    const body = input(req, 'body', saveDraftBody);
    res.json(await ivr.saveDraft(name, body.definition, body.description));
  });
  r.get('/ivr/flows/:name/versions/:version', { ...READ, params: flowVersionParams }, async (req, res) => {
    const { name, version } = input(req, 'path', flowVersionParams);
    res.json(await ivr.version(name, version));
  });
  r.post('/ivr/flows/:name/validate', { ...ADMIN_READ, params: flowNameParams }, async (req, res) => {
    res.json(await ivr.validateDraft(input(req, 'path', flowNameParams).name));
  });
  r.post('/ivr/flows/:name/publish', { ...ADMIN, params: flowNameParams }, async (req, res) => {
    res.json(await ivr.publish(input(req, 'path', flowNameParams).name));
  });
  r.post('/ivr/flows/:name/rollback', { ...ADMIN, params: flowNameParams, body: rollbackBody }, async (req, res) => {
    const { name } = input(req, 'path', flowNameParams);
    res.json(await ivr.rollback(name, input(req, 'body', rollbackBody).version));
  });
  r.post('/ivr/flows/:name/default', { ...ADMIN, params: flowNameParams }, async (req, res) => {
    await ivr.setDefault(input(req, 'path', flowNameParams).name);
    res.status(204).end();
  });
  r.post('/ivr/flows/:name/dry-run', { ...ADMIN_READ, params: flowNameParams, body: dryRunBody, bodyOptional: true }, async (req, res) => {
    const { name } = input(req, 'path', flowNameParams);
    res.json(await dryRun({ ivr, ...deps }, name, input(req, 'body', dryRunBody)));
  });
  r.get('/ivr/numbers', READ, async (_req, res) => {
    // runBy: 'dialplan' for a number whose flow Asterisk runs by itself (flow-dialplan.ts), else 'app'.
    const [numbers, compiled] = await Promise.all([ivr.numbers(), deps.compiled()]);
    const inDialplan = new Set(compiled.map((c) => c.number));
    res.json({ items: numbers.map((n) => ({ ...n, runBy: inDialplan.has(n.number) ? 'dialplan' : 'app' })) });
  });
  r.put('/ivr/numbers/:number', { ...ADMIN, params: numberParams, body: mapNumberBody }, async (req, res) => {
    const { number } = input(req, 'path', numberParams);
    await ivr.mapNumber(number, input(req, 'body', mapNumberBody).flow);
    res.json({ number, flow: req.body.flow });
  });
  r.delete('/ivr/numbers/:number', { ...ADMIN, params: numberParams }, async (req, res) => {
    const { number } = input(req, 'path', numberParams);
    if (!(await ivr.unmapNumber(number))) throw new NotFoundError('number', number);
    res.status(204).end();
  });
}
