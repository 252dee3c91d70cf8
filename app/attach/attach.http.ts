// Routes of the attached PBX: what it is (link, queues), its queue members' states and live
// stats of its queues. All reads. Thin: parse, call the service, map.
import { z } from 'zod';
import type { SecureRouter } from '../auth/permissions.js';
import { NotFoundError } from '../errors.js';
import type { Request } from 'express';
import { input } from '../http/validate.js';
import { todayIn } from '../acd/acd.http.js';
import { statsQuery } from '../acd/acd.schemas.js';
import type { AttachService } from './attach.service.js';

const READ = { allow: ['admin', 'supervisor', 'readonly'] } as const;
const STATS = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;

const pbxParams = z.object({ pbx: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'an attached PBX name') });
// The PBX names its queues as it likes: anything printable but / and \ .
const queueParams = pbxParams.extend({ queue: z.string().regex(/^[^\s/\\]{1,64}$/, 'a queue name (1-64, no spaces or slashes)') });

export function attachRoutes(r: SecureRouter, attach: AttachService): void {
  const pbxOf = (req: Request, schema: typeof pbxParams | typeof queueParams = pbxParams): AttachService => {
    const { pbx } = input(req, 'path', schema);
    if (pbx !== attach.name) throw new NotFoundError('attached PBX', pbx);
    return attach;
  };

  r.get('/attach', READ, async (_req, res) => {
    res.json({ items: [await attach.overview()] });
  });
  r.get('/attach/:pbx', { ...READ, params: pbxParams }, async (req, res) => {
    res.json(await pbxOf(req).overview());
  });
  r.get('/attach/:pbx/agents', { ...READ, params: pbxParams }, async (req, res) => {
    res.json({ items: await pbxOf(req).agentList() });
  });
  r.get('/attach/:pbx/queues/:queue/stats', { ...STATS, params: queueParams, query: statsQuery }, async (req, res) => {
    const svc = pbxOf(req, queueParams);
    const { queue } = input(req, 'path', queueParams);
    const { tz } = input(req, 'query', statsQuery);
    const since = todayIn(tz);
    const stats = await svc.stats(queue, since);
    if (!stats) throw new NotFoundError(`queue of attached PBX ${svc.name}`, queue);
    res.json(stats);
  });
  r.post('/attach/:pbx/reconcile', { allow: ['admin'], params: pbxParams }, async (req, res) => {
    res.json(await pbxOf(req).reconcile());
  });
}
