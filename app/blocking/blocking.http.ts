// Routes of the blocked numbers (docs/api/blocked-numbers.md). Thin: parse with zod, check the
// role's limit, call the service, audit, map the result.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import type { Audit } from '../auth/audit.js';
import { input } from '../http/validate.js';
import { ValidationError } from '../errors.js';
import type { BlockedNumber } from './blocking.entities.js';
import { BlockNeedsSupervisorError } from './blocking.errors.js';
import { isActiveBlock, untilProblem, untilRangeProblem } from './blocking.rules.js';
import { blockCreateBody, blockListQuery, blockLookupQuery, blockParams, blockPatchBody } from './blocking.schemas.js';
import type { BlockingService } from './blocking.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
const BLOCK = { allow: ['admin', 'supervisor', 'agent'] } as const;
const MANAGE = { allow: ['admin', 'supervisor'] } as const;

export const blockJson = (b: BlockedNumber, now = new Date()) => ({
  id: b.id,
  number: b.number,
  reason: b.reason,
  until: b.until,
  active: isActiveBlock(b, now),
  createdBy: b.createdBy,
  createdAt: b.createdAt,
  updatedBy: b.updatedBy,
  updatedAt: b.updatedAt,
  attempts: b.attempts,
  lastAttemptAt: b.lastAttemptAt,
});

function checkUntil(until: Date | null | undefined, now: Date): void {
  const problem = until ? untilRangeProblem(until, now) : null;
  if (problem) throw new ValidationError(`invalid body: until: ${problem}`, [{ field: 'until', message: problem }]);
}

export function blockingRoutes(r: SecureRouter, blocks: BlockingService, audit: Audit): void {
  const log = (req: Parameters<Parameters<SecureRouter['get']>[2]>[0], { action }: { action: string }, b: BlockedNumber) =>
    audit({ actor: principalOf(req).name, actorIp: req.ip ?? null, action, target: `blocked-number:${b.number}`, detail: { number: b.number, reason: b.reason, until: b.until } });

  r.get('/blocked-numbers', { ...READ, query: blockListQuery }, async (req, res) => {
    const q = input(req, 'query', blockListQuery);
    const { items, total } = await blocks.list(q);
    res.json({ items: items.map((b) => blockJson(b)), total, limit: q.limit, offset: q.offset });
  });
  // Before /blocked-numbers/:id (not a block id).
  r.get('/blocked-numbers/lookup', { ...READ, query: blockLookupQuery }, async (req, res) => {
    const b = await blocks.activeOf(input(req, 'query', blockLookupQuery).number);
    res.json({ block: b ? blockJson(b) : null });
  });
  r.post('/blocked-numbers', { ...BLOCK, body: blockCreateBody }, async (req, res) => {
    const body = input(req, 'body', blockCreateBody);
    const now = new Date();
    const until = body.until ?? null;
    checkUntil(until, now);
    const tooLong = untilProblem(principalOf(req).role, until, now, body.number);
    if (tooLong) throw new BlockNeedsSupervisorError(tooLong);
    const b = await blocks.add({ number: body.number, reason: body.reason, until }, principalOf(req).name);
    await log(req, { action: 'blocklist.add' }, b);
    res.status(201).json(blockJson(b));
  });
  r.patch('/blocked-numbers/:id', { ...MANAGE, params: blockParams, body: blockPatchBody }, async (req, res) => {
    const { id } = input(req, 'path', blockParams);
    const patch = input(req, 'body', blockPatchBody);
    checkUntil(patch.until, new Date());
    const b = await blocks.update(id, patch, principalOf(req).name);
    await log(req, { action: 'blocklist.change' }, b);
    res.json(blockJson(b));
  });
  r.delete('/blocked-numbers/:id', { ...MANAGE, params: blockParams }, async (req, res) => {
    const b = await blocks.remove(input(req, 'path', blockParams).id);
    await log(req, { action: 'blocklist.remove' }, b);
    res.status(204).end();
  });
}
