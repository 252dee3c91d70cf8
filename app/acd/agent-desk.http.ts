// Routes of the agent desktop: what the page loads at start (its agent, state, phone, break
// reasons, wrap-up codes), the admin's break-reason list, an agent's disposition, and the agent's
// call as Asterisk has it (shown after a reload; hung up through Asterisk).
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { AcdConfig } from './acd.config.js';
import { ownAgentGuard } from './acd.http.js';
import { agentParams, breakReasonsBody, dispositionBody } from './acd.schemas.js';
import type { AcdService } from './acd.service.js';
import { NoAgentError, type AgentDeskService } from './agent-desk.js';
import type { AgentCallService } from './agent-call.js';

const DESK = { allow: ['admin', 'supervisor', 'agent'] } as const;

export function agentDeskRoutes(r: SecureRouter, desk: AgentDeskService, acd: AcdService, config: AcdConfig, calls: AgentCallService): void {
  const mayActOn = ownAgentGuard(config);

  r.get('/agent-desk/me', DESK, async (req, res) => {
    const who = principalOf(req);
    if (who.kind !== 'user') throw new NoAgentError();
    const me = await desk.me(who.id);
    // The answer may carry the phone's SIP password: no cache may keep it.
    res.set('Cache-Control', 'no-store').json(me);
  });

  r.get('/acd/break-reasons', DESK, async (_req, res) => {
    res.json({ reasons: (await config.snapshot(true)).breakReasons });
  });
  r.put('/acd/break-reasons', { allow: ['admin'], audit: 'config.change', body: breakReasonsBody }, async (req, res) => {
    const { reasons } = input(req, 'body', breakReasonsBody);
    await config.saveBreakReasons(reasons);
    res.json({ reasons });
  });

  // Whom an agent may transfer a call to: the other agents (with their state, which the live feed
  // then updates) and the queues. Names, endpoints and states only.
  r.get('/agent-desk/transfer-targets', DESK, async (_req, res) => {
    const snap = await config.snapshot(true);
    res.json({
      agents: snap.agents.map((a) => ({ id: a.id, name: a.name, endpoint: a.endpoint, state: a.state, reason: a.stateReason })).sort((x, y) => x.name.localeCompare(y.name)),
      queues: snap.queues.map((q) => ({ name: q.name })),
    });
  });

  // The agent's call as Asterisk has it (a reloaded page shows it; its own SIP session is gone).
  r.get('/acd/agents/:agentId/call', { ...DESK, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    res.set('Cache-Control', 'no-store').json({ call: await calls.current(agentId) });
  });
  r.post('/acd/agents/:agentId/call/hangup', { ...DESK, params: agentParams }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    await calls.hangup(agentId);
    res.json({ hungUp: true });
  });

  r.post('/acd/agents/:agentId/disposition', { ...DESK, params: agentParams, body: dispositionBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    await mayActOn(req, agentId);
    const result = await acd.dispositions.record(agentId, input(req, 'body', dispositionBody));
    await acd.dispositionGiven(agentId);
    res.json(result);
  });
}
