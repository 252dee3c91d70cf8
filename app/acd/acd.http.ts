// ACD routes: queues, agents (devices, skills, login / break / logout), routing rules and
// regions, live stats. Thin: parse, call the service, map.
import type { Request } from 'express';
import { principalOf } from '../auth/permissions.js';
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { agentView, type AcdConfig } from './acd.config.js';
import { NotYourAgentError } from './acd.errors.js';
import {
  agentParams, breakBody, dialBody, createAgentBody, createQueueBody, queueParams, queueSettings, regionsBody, routeDryRunBody, routingRulesBody, statsQuery, timelineQuery, updateAgentBody,
} from './acd.schemas.js';
import type { AcdService } from './acd.service.js';
import type { AgentDialer } from './agent-dial.js';
import { logFailure } from '../log-failure.js';

const CONFIG = { allow: ['admin'], audit: 'config.change' } as const;
const READ = { allow: ['admin', 'supervisor'] } as const;
const AGENT_ACTION = { allow: ['admin', 'supervisor', 'agent'] } as const;
const STATS = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;

/** Midnight today in a timezone, as a Date. */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = localAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day')) - offset);
}

/** Midnight today in `tz` (a stats query's `tz`); 400 for a timezone nobody knows. */
export function todayIn(tz: string, now = new Date()): Date {
  try {
    return startOfDay(now, tz);
  } catch {
    throw new ValidationError(`invalid query: tz: unknown timezone ${tz}`, [{ field: 'tz', message: 'unknown timezone' }]);
  }
}

/** Agents may act on their own agent only. */
export const ownAgentGuard = (config: AcdConfig) => async (req: Request, agentId: string) => {
  const who = principalOf(req);
  if (who.role !== 'agent') return;
  const a = await config.agent(agentId);
  if (who.kind !== 'user' || a.userId !== who.id) throw new NotYourAgentError();
};

export function acdRoutes(r: SecureRouter, acd: AcdService, config: AcdConfig, log: Logger, dialer: AgentDialer): void {
  const mayActOn = ownAgentGuard(config);
  const applied = async () => {
    // The model is saved; Asterisk follows when it can (now, or at the next connect).
    if (!acd.pbxReachable()) {
      log.warn('ACD change saved; Asterisk is not connected: it gets the change when AMI connects again');
      return false;
    }
    try {
      await acd.syncConfig();
      await acd.syncMembers();
      return true;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'ACD change saved; Asterisk will get it at the next sync');
      return false;
    }
  };

  // ---- queues
  r.get('/acd/queues', READ, async (_req, res) => {
    res.json({ items: (await config.snapshot(true)).queues });
  });
  r.post('/acd/queues', { ...CONFIG, body: createQueueBody }, async (req, res) => {
    const body = input(req, 'body', createQueueBody);
    const q = await config.createQueue(body.name, body.settings);
    res.status(201).json({ ...q, appliedToAsterisk: await applied() });
  });
  r.get('/acd/queues/:queue', { ...READ, params: queueParams }, async (req, res) => {
    res.json(await config.getQueue(input(req, 'path', queueParams).queue));
  });
  r.put('/acd/queues/:queue', { ...CONFIG, params: queueParams, body: queueSettings }, async (req, res) => {
    const { queue } = input(req, 'path', queueParams);
    const q = await config.updateQueue(queue, input(req, 'body', queueSettings));
    res.json({ ...q, appliedToAsterisk: await applied() });
  });
  r.delete('/acd/queues/:queue', { ...CONFIG, params: queueParams }, async (req, res) => {
    await config.deleteQueue(input(req, 'path', queueParams).queue);
    await applied();
    res.status(204).end();
  });
  r.get('/acd/queues/:queue/stats', { ...STATS, params: queueParams, query: statsQuery }, async (req, res) => {
    const { queue } = input(req, 'path', queueParams);
    const { tz } = input(req, 'query', statsQuery);
    const since = todayIn(tz);
    res.json(await acd.stats(queue, since));
  });

  // ---- agents
  r.get('/acd/agents', AGENT_ACTION, async (_req, res) => {
    res.json({ items: (await config.snapshot(true)).agents.map(agentView) });
  });
  r.post('/acd/agents', { ...CONFIG, body: createAgentBody }, async (req, res) => {
    const a = await config.createAgent(input(req, 'body', createAgentBody));
    res.status(201).json({ ...a, appliedToAsterisk: await applied() });
  });
  r.get('/acd/agents/:agentId', { ...AGENT_ACTION, params: agentParams }, async (req, res) => {
    res.json(agentView(await config.agent(input(req, 'path', agentParams).agentId)));
  });
  r.patch('/acd/agents/:agentId', { ...CONFIG, params: agentParams, body: updateAgentBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    const a = await config.updateAgent(agentId, input(req, 'body', updateAgentBody));
    res.json({ ...agentView(a), appliedToAsterisk: await applied() });
  });
  r.delete('/acd/agents/:agentId', { ...CONFIG, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    // Logged out of Asterisk's queues first where possible (not while AMI is down: that would only
    // wait for the action timeout); the agent is deleted either way.
    if (acd.pbxReachable()) await acd.logout(agentId).catch(logFailure(log, 'ACD: logging out an agent being deleted', { context: { agentId } }));
    await config.deleteAgent(agentId);
    await applied();
    res.status(204).end();
  });
  r.post('/acd/agents/:agentId/login', { ...AGENT_ACTION, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.json(await acd.login(agentId));
  });
  r.post('/acd/agents/:agentId/logout', { ...AGENT_ACTION, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.json(await acd.logout(agentId));
  });
  r.post('/acd/agents/:agentId/break', { ...AGENT_ACTION, params: agentParams, body: breakBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.json(await acd.takeBreak(agentId, input(req, 'body', breakBody).reason));
  });
  r.post('/acd/agents/:agentId/dial', { ...AGENT_ACTION, params: agentParams, body: dialBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    const body = input(req, 'body', dialBody);
    await mayActOn(req, agentId);
    res.status(202).json(await dialer.dial(agentId, body.number, body.name));
  });
  r.post('/acd/agents/:agentId/ready', { ...AGENT_ACTION, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.json(await acd.ready(agentId));
  });
  r.get('/acd/agents/:agentId/timeline', { ...AGENT_ACTION, params: agentParams, query: timelineQuery }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.json({ items: await acd.timeline(agentId, input(req, 'query', timelineQuery).limit) });
  });

  // ---- routing
  r.get('/acd/routing/rules', READ, async (_req, res) => {
    res.json({ rules: (await config.snapshot(true)).rules });
  });
  r.put('/acd/routing/rules', { ...CONFIG, body: routingRulesBody }, async (req, res) => {
    const { rules } = input(req, 'body', routingRulesBody);
    await config.saveRules(rules);
    res.json({ rules });
  });
  r.get('/acd/routing/regions', READ, async (_req, res) => {
    res.json({ regions: (await config.snapshot(true)).regions });
  });
  r.put('/acd/routing/regions', { ...CONFIG, body: regionsBody }, async (req, res) => {
    const { regions } = input(req, 'body', regionsBody);
    await config.saveRegions(regions);
    res.json({ regions });
  });
  r.post('/acd/routing/dry-run', { ...READ, body: routeDryRunBody }, async (req, res) => {
    const b = input(req, 'body', routeDryRunBody);
    res.json(await acd.route({ queue: b.queue, priority: b.priority, callerNumber: b.caller, vars: b.variables, now: b.at ? new Date(b.at) : undefined }));
  });
  r.post('/acd/reconcile', { allow: ['admin'] }, async (_req, res) => {
    res.json(await acd.reconcile());
  });
}
