// Wires the ACD from explicit dependencies: the model (AcdConfig), the agent tracker, the
// queue-call log, the service, its routes and the live hub the WebSocket feed reads.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { QueueControl } from '../pbx/ports.js';
import type { QueueRouting } from '../ivr/runtime/runtime.js';
import { AcdConfig } from './acd.config.js';
import { AgentTracker } from './acd.agents.js';
import { QueueCallLog } from './acd.calls.js';
import { acdRoutes } from './acd.http.js';
import { LiveHub } from './acd.live.js';
import { AcdService, type AcdOptions, type VipLookup } from './acd.service.js';

export function createAcdModule(deps: { db: DataSource; pbx: QueueControl; vip: VipLookup; options: AcdOptions; log: Logger; routes: SecureRouter }) {
  const log = deps.log.child({ module: 'acd' });
  const config = new AcdConfig(deps.db);
  const live = new LiveHub();
  const tracker = new AgentTracker(deps.db, config, live, log);
  const calls = new QueueCallLog(deps.db, live, log, async (iface) => (await config.snapshot()).byInterface.get(iface)?.id ?? null);
  const service = new AcdService(deps.db, config, tracker, calls, deps.pbx, deps.vip, deps.options, log);
  acdRoutes(deps.routes, service, config, log);
  /** What the IVR's queue node asks. */
  const routing: QueueRouting = { route: (input) => service.route(input) };
  const agentOfUser = async (userId: string) => (await config.snapshot()).agents.find((a) => a.userId === userId)?.id ?? null;
  return { service, config, live, routing, agentOfUser, router: deps.routes.router };
}

export type AcdModule = ReturnType<typeof createAcdModule>;
