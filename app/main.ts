// Composition root: config -> logger -> http (health first) -> db -> pbx -> modules;
// graceful shutdown in the reverse order.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import https from 'node:https';
import { Router } from 'express';
import { ConfigError, loadConfig, secretValues, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { Database } from './db/database.js';
import { UnavailableError } from './errors.js';
import { assertAllRoutesDeclared } from './http/route-check.js';
import { createHttpApp } from './http/app.js';
import { openApiDocument } from './http/openapi.js';
import { createPbx } from './pbx/pbx.js';
import { createAttachedPbx } from './pbx/attached.js';
import { createAttachModule } from './attach/index.js';
import { createElector, handOver, wireLeadership } from './ha/index.js';
import { createCallsModule } from './calls/index.js';
import { callRecordPager } from './calls/calls.pager.js';
import { createAuthModule } from './auth/index.js';
import { bootstrapAdmin, ldapOptions } from './auth/bootstrap.js';
import { createCrmModule } from './crm/index.js';
import { createIvrModule } from './ivr/index.js';
import { createIoModule } from './io/index.js';
import { createPromptsModule } from './prompts/index.js';
import { createAcdModule } from './acd/index.js';
import { attachLiveFeed } from './acd/acd.ws.js';
import { startScreenPops } from './acd/screen-pop.js';
import { startReminderNotices } from './acd/reminder-notices.js';
import { startLiveRelay } from './acd/live-relay.js';
import { createScheduler, type Scheduler } from './scheduler/index.js';
import { createTicketsModule } from './tickets/index.js';
import { createKbModule } from './kb/index.js';
import { stasisSink } from './acd/callback-stasis.js';

const VERSION = '0.1.0';

function boot(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hotline: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = boot();
  const log = createLogger({ level: config.logLevel, secrets: secretValues(config) });
  const metrics = createMetrics();
  const db = new Database(config.db, log.child({ component: 'db' }));
  const pbx = createPbx(config, log, metrics);
  // An existing PBX Hotline does not own, watched read-only (HOTLINE_ATTACH_AMI_URL).
  const attached = config.attach ? createAttachedPbx(config.attach, log) : undefined;
  const elector = createElector(config, log);

  // The API router is filled in once the database is open; until then /health answers and
  // the API says 503 starting (not a misleading 404).
  const api = Router();
  let ready = false;
  api.use((_req, _res, next) => next(ready ? undefined : new UnavailableError('starting', 'Hotline is starting; try again in a moment')));
  let callsInProgress = () => 0;
  const links = () => ({ db: db.state, ...pbx.links(), ...(attached ? { attach: { name: attached.name, ...attached.link() } } : {}) });
  metrics.setSources({ callsInProgress: () => callsInProgress(), links });
  const app = createHttpApp({
    log,
    corsOrigins: config.http.corsOrigins,
    tls: config.http.tls !== undefined,
    health: { node: config.nodeName, version: VERSION, links, callsInProgress: () => callsInProgress(), role: () => ({ role: elector.role, since: elector.since }) },
    metrics: config.metricsEnabled ? metrics.registry : undefined,
    api: [api],
  });
  const server: Server = config.http.tls
    ? https.createServer({ cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) }, app)
    : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.http.port, config.http.host, () => resolve());
  });
  log.info({ host: config.http.host, port: config.http.port, tls: config.http.tls !== undefined, node: config.nodeName }, 'Hotline HTTP listening');

  let calls: ReturnType<typeof createCallsModule> | undefined;
  let attach: ReturnType<typeof createAttachModule> | undefined;
  let liveFeed: { close(): void } | undefined;
  let liveRelay: { stop(): Promise<void> } | undefined;
  let notices: { stop(): Promise<void> } | undefined;
  let scheduler: Scheduler | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (calls && (await handOver(elector, pbx, calls.stasis, log))) {
      log.info({ signal }, 'shutting down after handing the calls to the standby');
    } else {
      log.info({ signal }, 'shutting down: no new calls; letting calls in progress finish');
      await calls?.stasis.drain(config.calls.shutdownGraceMs);
    }
    liveFeed?.close();
    await liveRelay?.stop();
    await notices?.stop();
    await scheduler?.stop();
    await elector.stop();
    await pbx.stop();
    await attached?.stop();
    await attach?.service.flushed();
    await calls?.service.close();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections();
    await db.close();
    log.info('Hotline stopped');
    log.flush?.();
    setTimeout(() => process.exit(0), 100).unref();
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await db.open();
  if (stopping) return;
  const auth = createAuthModule({
    db: db.source,
    log,
    sessionTtlMs: config.auth.sessionTtlMs,
    requireTotpFor: config.auth.requireTotpFor,
    lockout: config.auth.lockout,
    loginRateLimit: { max: config.auth.loginRatePerMinute, windowMs: 60_000 },
    ldap: config.auth.ldap && ldapOptions(config.auth.ldap),
  });
  await bootstrapAdmin(auth, config.auth.bootstrapAdminPassword, log);
  const routes = () => auth.secureRouter();
  const prompts = createPromptsModule({ db: db.source, ...config.prompts, log, routes: routes() });
  // The CRM's timeline and screen pop list calls by caller number through the calls module's pager.
  const callHistory = callRecordPager(db.source);
  const crm = createCrmModule({ db: db.source, routes: routes(), calls: { listByCallers: (callers, limit, before) => callHistory.byCallers(callers, limit, before) } });
  const acd = createAcdModule({
    db: db.source,
    pbx: pbx.queues,
    callbackPbx: pbx.callbacks,
    calls: pbx.calls,
    vip: { vipLevel: async (phone) => Number((await crm.directory.findByPhone(phone))?.vipLevel ?? 0) },
    options: { ...config.acd, readOnly: false },
    log,
    routes: routes(),
  });
  const ivr = createIvrModule({ db: db.source, prompts: prompts.service, sounds: pbx.sounds, customers: crm.directory, acd: acd.routing, log, metrics, routes: routes() });
  calls = createCallsModule({ db: db.source, control: pbx.calls, flows: ivr.flows, config, log, metrics, routes: routes() });
  const io = createIoModule({ db: db.source, log, crm: crm.service, calls: calls.pager, routes: routes() });
  const kb = createKbModule({ db: db.source, log, maxAttachmentBytes: config.kb.maxAttachmentBytes, routes: routes() });
  // Timed work (SLA reminders, escalations) runs only on the active node.
  scheduler = createScheduler({ db: db.source, nodeName: config.nodeName, isActive: () => elector.role === 'active', log, leaseMs: config.scheduler.leaseMs });
  const tickets = createTicketsModule({
    db: db.source,
    customers: crm.service,
    calls: calls.service,
    users: auth.service.users,
    scheduler: scheduler.service,
    log,
    routes: routes(),
    maxAttachmentBytes: config.tickets.maxAttachmentBytes,
  });
  attach = attached && createAttachModule({ db: db.source, pbx: attached, live: acd.live, nodeName: config.nodeName, options: { reconcileMs: config.acd.reconcileMs }, log, routes: routes() });
  api.use(auth.middleware, auth.router, calls.router, ivr.router, prompts.router, crm.router, io.router, tickets.router, acd.router, kb.router);
  if (attach) api.use(attach.router);
  const pops = startScreenPops(acd.live, {
    customerPop: (phone) => crm.service.screenPop(phone),
    openTickets: (customerId) => tickets.service.listForCustomer(customerId),
    ivrOfChannel: (channelId) => calls!.service.ivrOfChannel(channelId),
  }, () => elector.role === 'active', log);
  acd.dialer.onDial((agentId, number, channelId) => pops.outbound(agentId, number, channelId));
  notices = startReminderNotices(acd.live, crm.service.reminders, () => elector.role === 'active', log, config.nodeName);
  // HA: consoles on either node get the same feed (the active node's events, relayed through the database).
  if (config.ha.enabled) liveRelay = startLiveRelay(db.source, acd.live, () => elector.role === 'active', log.child({ part: 'live-relay' }));
  liveFeed = attachLiveFeed(server, { hub: acd.live, authenticate: (t) => auth.service.authenticate(t), agentOfUser: acd.agentOfUser, log });
  const docs = routes();
  let openApi: Record<string, unknown> | null = null;
  docs.get('/openapi.json', { public: true }, (_req, res) => {
    res.json(openApi);
  });
  api.use(docs.router);
  assertAllRoutesDeclared(api, '/api', auth.registry.routeDeclarations());
  // Built once every route is registered: a schema the document cannot describe stops start-up.
  openApi = openApiDocument(auth.registry.documentedRoutes(), VERSION);
  ready = true;
  callsInProgress = () => calls?.stasis.inProgress ?? 0;
  if (config.ownPbx) log.info({ ari: config.ari.url, ami: `${config.ami.host}:${config.ami.port}`, ha: config.ha.enabled }, 'connecting to Asterisk (AMI now; ARI once this node is active)');
  else log.info('no Asterisk of its own (HOTLINE_OWN_PBX=false): no ARI, no AMI commands');
  pbx.onQueueEvents(acd.service);
  pbx.start(stasisSink(calls.stasis, acd.callbacks));
  if (attached && attach) {
    log.info({ pbx: attached.name, ami: `${config.attach!.host}:${config.attach!.port}`, user: config.attach!.user }, 'attaching read-only to an existing PBX over AMI');
    attached.onEvents(attach.service);
    attached.start();
  }
  // What only the active node does: the ACD (with Hotline's own Asterisk), recording the attached PBX.
  const duties = [...(config.ownPbx ? [acd.service] : []), ...(attach ? [attach.service] : [])];
  wireLeadership(elector, pbx, calls.stasis, log, duties);
  scheduler.start();
}

main().catch((err: Error) => {
  process.stderr.write(`hotline: fatal: ${err.message}\n`);
  process.exit(1);
});
