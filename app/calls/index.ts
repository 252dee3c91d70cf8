// Wires the calls module from explicit dependencies.
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { CallControl } from '../pbx/ports.js';
import { callsRoutes, type TicketsOfCall } from './calls.http.js';
import { callRecordPager } from './calls.pager.js';
import type { SecureRouter } from '../auth/permissions.js';
import { CallsService } from './calls.service.js';
import { CallsStasis } from './calls.stasis.js';
import { OrphanSweep } from './orphan-sweep.js';
import type { FlowResolver } from './call-flow.js';
import { DialplanCalls, type CompiledFlowLookup } from './dialplan-calls.js';

export function createCallsModule(deps: { db: DataSource; control: CallControl; flows: FlowResolver; config: Config; log: Logger; metrics: Metrics; routes: SecureRouter; ticketsOfCall: TicketsOfCall; compiledFlows: CompiledFlowLookup; isActive: () => boolean }) {
  const log = deps.log.child({ module: 'calls' });
  const service = new CallsService(deps.db, deps.config.nodeName, (err, lost) =>
    log.error({ err: err.message, events: lost }, 'could not write call timeline events'),
  );
  const stasis = new CallsStasis(
    deps.control,
    service,
    log,
    deps.flows,
    { maxCallSeconds: deps.config.calls.maxCallSeconds },
    (outcome) => deps.metrics.callsTotal.inc({ outcome }),
    { onPromptAfterDigit: (seconds) => deps.metrics.dtmfToPromptSeconds.observe(seconds) },
  );
  // Calls the dialplan runs for Hotline (compiled flows): records from their AMI events, on the active node.
  const dialplan = new DialplanCalls(service, deps.compiledFlows, deps.isActive, log, (outcome) => deps.metrics.callsTotal.inc({ outcome }));
  // Runs only while this node is active (wired to leadership) and only with Hotline's own Asterisk.
  const sweep = deps.config.ownPbx
    ? new OrphanSweep(service, deps.control, (ch) => stasis.follows(ch), log, { graceMs: deps.config.calls.orphanGraceMs, everyMs: deps.config.calls.orphanSweepMs })
    : null;
  callsRoutes(deps.routes, service, deps.ticketsOfCall);
  return { service, stasis, dialplan, sweep, router: deps.routes.router, pager: callRecordPager(deps.db) };
}
export { callsByIds, callsOfNumbers } from './calls.contacts.js';
