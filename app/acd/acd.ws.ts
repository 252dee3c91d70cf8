// The live feed for the console and the wallboard: a WebSocket at /api/acd/live. The client
// sends {"type":"auth","token":"<session or API key>"} first (no token in the URL, where it
// would land in proxy logs); then it receives every ACD event (agent states, queue callers,
// ringing, screen pops, reminders). Agents receive only their own agent's events and the queue
// events; a reminder goes only to the user it is for.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../logger.js';
import type { Principal } from '../auth/permissions.js';
import type { LiveEvent, LiveHub } from './acd.live.js';
import { logFailure } from '../log-failure.js';

export const LIVE_PATH = '/api/acd/live';
const AUTH_TIMEOUT_MS = 5000;
const MAX_BUFFERED = 1 << 20;

export interface LiveFeedDeps {
  hub: LiveHub;
  authenticate(token: string): Promise<Principal | null>;
  /** The agent id of a user (agents see their own events only). */
  agentOfUser(userId: string): Promise<string | null>;
  /** The queues an agent is a member of (a fax notice goes to the agents of its inbox's queue). */
  queuesOfAgent?(agentId: string): Promise<string[]>;
  log: Logger;
}

export function attachLiveFeed(server: Server, deps: LiveFeedDeps): { close(): void; clients(): number } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws));
  };
  server.on('upgrade', onUpgrade);

  const serve = (ws: WebSocket) => {
    let listener: ((e: LiveEvent) => void) | undefined;
    const timer = setTimeout(() => ws.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    ws.once('message', async (data) => {
      clearTimeout(timer);
      let token = '';
      try {
        const msg = JSON.parse(String(data)) as { type?: string; token?: unknown };
        if (msg.type === 'auth' && typeof msg.token === 'string') token = msg.token;
      } catch {
        /* not JSON: refused below */
      }
      const who = token ? await deps.authenticate(token).catch(logFailure(deps.log, 'live feed: checking a token (connection refused)', { fallback: null })) : null;
      if (!who || who.totpEnrolmentPending || !['admin', 'supervisor', 'agent'].includes(who.role)) {
        ws.close(4401, 'not allowed');
        return;
      }
      const ownAgent = who.role === 'agent' && who.kind === 'user' ? await deps.agentOfUser(who.id) : null;
      const send = (e: LiveEvent) => {
        if (ws.readyState !== ws.OPEN) return;
        if (ws.bufferedAmount > MAX_BUFFERED) {
          ws.close(4408, 'too slow');
          return;
        }
        ws.send(JSON.stringify(e));
      };
      listener = (e) => {
        if (e.type === 'fax.received' && who.role === 'agent') {
          // Only the agents of the inbox's queue (asked at the time: memberships change).
          if (!ownAgent || !e.queue || !deps.queuesOfAgent) return;
          void deps.queuesOfAgent(ownAgent).then((qs) => qs.includes(e.queue) && send(e), logFailure(deps.log, 'live feed: the queues of an agent (fax notice not sent)', { level: 'warn' }));
          return;
        }
        if ((e.type === 'reminder.due' || e.type === 'ticket.sla_due') && e.userId !== who.id) return; // personal, whatever the role
        if (who.role === 'agent' && 'agentId' in e && e.type !== 'queue.caller' && e.agentId !== ownAgent) return;
        if (who.role === 'agent' && e.type === 'attach.agent.state') return; // other people's states: supervisors only
        if (who.role === 'agent' && e.type.startsWith('wallboard.')) return; // the wallboard's figures and monitoring: supervisors only
        if (e.type === 'wallboard.monitor' && e.supervisorUserId !== who.id) return; // a supervisor's own listening only
        send(e);
      };
      deps.hub.on('event', listener);
      ws.send(JSON.stringify({ type: 'ready', role: who.role, agentId: ownAgent }));
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (listener) deps.hub.off('event', listener);
    });
    ws.on('error', () => ws.terminate());
  };

  return {
    close() {
      server.off('upgrade', onUpgrade);
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
    clients: () => wss.clients.size,
  };
}
