// Wires the reports from explicit dependencies: the rollup writer (fed by the ACD's queue-call
// logs as calls finish), the report queries and their routes.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { AcdModule } from '../acd/index.js';
import type { AcdConfig } from '../acd/acd.config.js';
import { queueCallLegs, queueCallsPage, type QueueCallLog } from '../acd/acd.calls.js';
import { agentTimeline } from '../acd/agent-timeline.js';
import { outboundCall, outboundCallsPage, outboundCallsPlaced } from '../acd/outbound-calls.js';
import { resolveDefinitions, type QueueDefinitions } from './definitions.js';
import { RollupWriter, type RollupSource } from './rollup.writer.js';
import { reportRoutes } from './reports.http.js';
import { IvrFunnel } from './ivr-funnel.js';
import { ivrFunnelRoutes } from './ivr-funnel.http.js';
import { ReportsService, type ReportsAcd, type ReportsContacts } from './reports.service.js';
import type { SchedulerService } from '../scheduler/index.js';
import type { Mailer } from '../mail/mailer.js';
import { scheduleRoutes } from './schedules.http.js';
import { ReportSchedulesService } from './schedules.service.js';

/** Each queue's report definitions from its ACD settings. */
async function queueDefinitions(acd: { config: Pick<AcdConfig, 'snapshot'> }): Promise<Map<string, { defs: QueueDefinitions; dispositions: Map<string, { 'zh-CN': string; en: string }>; skillGroup: string | null }>> {
  const snap = await acd.config.snapshot();
  return new Map(snap.queues.map((q) => [q.name, {
    defs: resolveDefinitions({ serviceLevelSeconds: q.settings.serviceLevelSeconds, shortAbandonSeconds: q.settings.shortAbandonSeconds, shortAbandonTreatment: q.settings.shortAbandonTreatment }),
    dispositions: new Map(q.settings.dispositions.codes.map((c) => [c.code, c.labels])),
    skillGroup: q.settings.skillGroup ?? null,
  }]));
}

export function rollupSource(db: DataSource, acd: { config: Pick<AcdConfig, 'snapshot'> }): RollupSource {
  return {
    legs: (source, uniqueids) => queueCallLegs(db, source, uniqueids),
    page: (after, limit) => queueCallsPage(db, after, limit),
    definitions: async () => new Map([...(await queueDefinitions(acd))].map(([n, v]) => [n, v.defs])),
    outbound: {
      call: (source, uniqueid) => outboundCall(db, source, uniqueid),
      placed: (from, to) => outboundCallsPlaced(db, from, to),
      page: (after, limit) => outboundCallsPage(db, after, limit),
    },
  };
}

export interface ReportMailDeps {
  scheduler: SchedulerService;
  /** None when no SMTP server is configured. */
  mailer: Mailer | null;
  from: string;
  attempts: number;
  retryMs: number;
}

export function createReportsModule(deps: { db: DataSource; acd: AcdModule; queueCallLogs: QueueCallLog[]; log: Logger; routes: SecureRouter; mail: ReportMailDeps; contacts?: ReportsContacts }) {
  const log = deps.log.child({ module: 'reports' });
  const writer = new RollupWriter(deps.db, rollupSource(deps.db, deps.acd), log);
  for (const q of deps.queueCallLogs) q.onLegsChanged = (uniqueid) => writer.legsChanged(q.source, uniqueid);
  const outbound = deps.acd.outboundCalls;
  outbound.listen((c) => {
    if (c.stage === 'end') writer.outboundChanged(outbound.source, c.uniqueid);
  });
  const port: ReportsAcd = {
    queues: () => queueDefinitions(deps.acd),
    agents: async () => new Map((await deps.acd.config.snapshot()).agents.map((a) => [a.id, { name: a.name }])),
    timeline: (ids, from, to) => agentTimeline(deps.db, ids, from, to),
    callbacks: async (numbers, since) => (await deps.acd.callbacks.forNumbers(numbers, since)).map((c) => ({ number: c.number, queue: c.queue, status: c.status, requestedAt: c.requestedAt, endedAt: c.endedAt, agentId: c.agentId, attempts: c.attempts })),
  };
  const service = new ReportsService(deps.db, port, undefined, deps.contacts ?? null);
  const mailer = deps.mail.mailer;
  const schedules = new ReportSchedulesService(deps.db, deps.mail.scheduler, service, mailer, { from: deps.mail.from, attempts: deps.mail.attempts, retryMs: deps.mail.retryMs, log });
  // Registered before the report routes: /reports/schedules is not a report kind.
  scheduleRoutes(deps.routes, schedules);
  ivrFunnelRoutes(deps.routes, service, new IvrFunnel(deps.db));
  reportRoutes(deps.routes, service);
  return { service, writer, schedules, mailer, router: deps.routes.router };
}

export type ReportsModule = ReturnType<typeof createReportsModule>;
