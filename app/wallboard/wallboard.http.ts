// Wallboard routes: the board (supervisors, admins, read-only viewers), and what a supervisor
// does from it — break, ready, logout, listen / whisper / barge — each audited
// (`supervisor.action`, with its body) and validated as the agent's own actions are.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { AcdService } from '../acd/acd.service.js';
import { agentParams, breakBody, monitorBody } from './wallboard.schemas.js';
import { MonitorError, type MonitorService } from './monitor.service.js';
import type { WallboardService } from './wallboard.service.js';

const VIEW = { allow: ['admin', 'supervisor', 'readonly'] } as const;
const ACT = { allow: ['admin', 'supervisor'], audit: 'supervisor.action' } as const;

export function wallboardRoutes(r: SecureRouter, board: WallboardService, acd: AcdService, monitor: MonitorService): void {
  r.get('/wallboard', VIEW, async (_req, res) => {
    res.json(await board.board());
  });
  r.post('/wallboard/agents/:agentId/break', { ...ACT, params: agentParams, body: breakBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    res.json(await acd.takeBreak(agentId, input(req, 'body', breakBody).reason));
  });
  r.post('/wallboard/agents/:agentId/ready', { ...ACT, params: agentParams }, async (req, res) => {
    res.json(await acd.ready(input(req, 'path', agentParams).agentId));
  });
  r.post('/wallboard/agents/:agentId/logout', { ...ACT, params: agentParams }, async (req, res) => {
    res.json(await acd.logout(input(req, 'path', agentParams).agentId));
  });
  r.post('/wallboard/agents/:agentId/monitor', { ...ACT, params: agentParams, body: monitorBody }, async (req, res) => {
    const { agentId } = input(req, 'path', agentParams);
    const { mode } = input(req, 'body', monitorBody);
    const who = principalOf(req);
    if (who.kind !== 'user') throw new MonitorError('no_supervisor_phone', 'an API key has no phone to listen with', 400);
    res.status(202).json(await monitor.start(who.id, agentId, mode));
  });
  r.delete('/wallboard/monitor', ACT, async (req, res) => {
    const who = principalOf(req);
    if (who.kind !== 'user') throw new MonitorError('no_supervisor_phone', 'an API key has no phone to listen with', 400);
    res.json(await monitor.stop(who.id));
  });
}
