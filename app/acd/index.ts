// Wires the ACD from explicit dependencies: the model (AcdConfig), the agent tracker, the
// queue-call log, the service, its routes and the live hub the WebSocket feed reads.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { AgentLines, CallbackControl, CallControl, QueueControl } from '../pbx/ports.js';
import type { QueueRouting } from '../ivr/runtime/runtime.js';
import { AcdConfig } from './acd.config.js';
import { AgentTracker } from './acd.agents.js';
import { QueueCallLog } from './acd.calls.js';
import { acdRoutes } from './acd.http.js';
import { LiveHub } from './acd.live.js';
import { AcdService, type AcdOptions, type VipLookup } from './acd.service.js';
import { callbackRoutes } from './callback.http.js';
import { AgentDialer } from './agent-dial.js';
import { CallbackService } from './callback.service.js';
import { AgentDeskService } from './agent-desk.js';
import { agentDeskRoutes } from './agent-desk.http.js';
import { AgentCallService } from './agent-call.js';
import { OutboundCallLog } from './outbound-calls.js';
import { membershipsOf } from './asterisk-config.js';
import type { AgentCallRecords } from './acd.calls.js';

export interface AcdDeps {
  db: DataSource;
  pbx: QueueControl;
  /** Callback placeholders, and handing a caller who asked for one back to the dialplan. */
  callbackPbx: CallbackControl;
  calls: Pick<CallControl, 'handBack'>;
  /** The agents' calls as Asterisk has them (a reloaded console asks for its call). */
  lines: AgentLines;
  vip: VipLookup;
  options: AcdOptions;
  log: Logger;
  routes: SecureRouter;
}

export function createAcdModule(deps: AcdDeps) {
  const log = deps.log.child({ module: 'acd' });
  const config = new AcdConfig(deps.db);
  const live = new LiveHub();
  const tracker = new AgentTracker(deps.db, config, live, log);
  const calls = new QueueCallLog(deps.db, live, log, async (iface) => (await config.snapshot()).byInterface.get(iface)?.id ?? null);
  tracker.onWrapupEnded = (agentId, began, ended) => calls.wrapupEnded(agentId, began, ended);
  const agentIdOf = async (iface: string) => (await config.snapshot()).byInterface.get(iface)?.id ?? null;
  const callbacks = new CallbackService(deps.db, config, deps.callbackPbx, deps.calls, live, { dialTemplate: deps.options.outboundDial }, log.child({ part: 'callbacks' }), agentIdOf, (u, q) => calls.markCallback(u, q));
  const service = new AcdService(deps.db, config, tracker, calls, deps.pbx, deps.vip, deps.options, log, callbacks);
  const outboundCalls = new OutboundCallLog(deps.db, async (endpoint) => (await config.snapshot()).byInterface.get(`PJSIP/${endpoint}`)?.id ?? null, log.child({ part: 'outbound-calls' }));
  service.outbound = outboundCalls;
  const dialer = new AgentDialer(config, deps.callbackPbx, deps.options.outboundDial);
  acdRoutes(deps.routes, service, config, log, dialer);
  callbackRoutes(deps.routes, callbacks);
  const agentCalls = new AgentCallService(config, deps.lines, calls, log.child({ part: 'agent-call' }));
  agentDeskRoutes(deps.routes, new AgentDeskService(config, deps.options.webrtcWsUrl), service, config, agentCalls);
  /** What the IVR's queue node asks. */
  let armer: NonNullable<QueueRouting['armRecording']> | undefined;
  const routing: QueueRouting = { route: (input) => service.route(input), armRecording: (call, queues) => (armer ? armer(call, queues) : Promise.resolve({})) };
  /** The recording module arms recordings as callers are handed to queues (set once it exists). */
  const useRecordingArmer = (arm: NonNullable<QueueRouting['armRecording']>) => {
    armer = arm;
  };
  const agentOfUser = async (userId: string) => (await config.snapshot()).agents.find((a) => a.userId === userId)?.id ?? null;
  /** The queues an agent is a member of (by its skills). */
  const queuesOfAgent = async (agentId: string): Promise<string[]> => {
    const snap = await config.snapshot();
    const a = snap.agents.find((x) => x.id === agentId);
    return a ? [...membershipsOf(JSON.parse(a.skills) as Record<string, number>, snap.queues).keys()] : [];
  };
  /** Hotline's call records learn who answered, and take the agent's disposition (set once the calls module exists). */
  const useCallRecords = (records: AgentCallRecords) => {
    calls.records = records;
  };
  return { service, config, live, routing, useRecordingArmer, agentOfUser, queuesOfAgent, callbacks, dialer, agentCalls, useCallRecords, queueCalls: calls, outboundCalls, router: deps.routes.router };
}

export type AcdModule = ReturnType<typeof createAcdModule>;
