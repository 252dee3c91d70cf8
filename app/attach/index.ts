// Wires the attachment to an existing PBX from explicit dependencies: its read-only port, the
// database, the ACD's live hub (events go on the same feed) and routes.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { AttachedPbx } from '../pbx/ports.js';
import { QueueCallLog } from '../acd/acd.calls.js';
import type { LiveHub } from '../acd/acd.live.js';
import { AttachedAgents } from './attach.agents.js';
import { AttachedCallLog } from './attach.calls.js';
import { attachRoutes } from './attach.http.js';
import { AttachService, type AttachOptions } from './attach.service.js';

export function createAttachModule(deps: { db: DataSource; pbx: AttachedPbx; live: LiveHub; nodeName: string; options: AttachOptions; log: Logger; routes: SecureRouter }) {
  const log = deps.log.child({ module: 'attach', pbx: deps.pbx.name });
  const source = deps.pbx.name;
  const calls = new AttachedCallLog(deps.db, source, deps.nodeName, log);
  // The PBX's members are not Hotline agents: queue calls name the interface only.
  const queueCalls = new QueueCallLog(deps.db, deps.live, log, async () => null, source);
  const agents = new AttachedAgents(deps.db, source, deps.live, log);
  const service = new AttachService(deps.pbx, calls, queueCalls, agents, deps.options, log);
  attachRoutes(deps.routes, service);
  return { service, queueCalls, router: deps.routes.router };
}

export type AttachModule = ReturnType<typeof createAttachModule>;
