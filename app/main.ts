// Composition root: config -> logger -> http (health first) -> db -> pbx -> modules;
// graceful shutdown in the reverse order.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import https from 'node:https';
import { Router } from 'express';
import { ConfigError, loadConfig, secretValues, type Config } from './config.js';
import { createLogger } from './logger.js';
import { installProcessGuards } from './process-guards.js';
import { watchLoopStalls } from './loop-stalls.js';
import { createMetrics } from './metrics.js';
import { Database } from './db/database.js';
import { NotFoundError, UnavailableError } from './errors.js';
import { assertAllRoutesDeclared } from './http/route-check.js';
import { createHttpApp } from './http/app.js';
import { answerClientErrorsAsJson } from './http/client-errors.js';
import { openApiDocument } from './http/openapi.js';
import { createPbx } from './pbx/pbx.js';
import { createAttachedPbx } from './pbx/attached.js';
import { createAttachModule } from './attach/index.js';
import { createElector, handOver, wireLeadership } from './ha/index.js';
import { callsByIds, callsOfNumbers, createCallsModule } from './calls/index.js';
import { callRecordPager } from './calls/calls.pager.js';
import { createAuthModule } from './auth/index.js';
import { bootstrapAdmin, ldapOptions } from './auth/bootstrap.js';
import { User } from './auth/auth.entities.js';
import { createCrmModule } from './crm/index.js';
import { createIvrModule } from './ivr/index.js';
import { promptMedia } from './ivr/prompt-media.js';
import { createSurveyModule } from './survey/index.js';
import { UNSATISFIED_FLAG } from './survey/survey.service.js';
import { createIoModule } from './io/index.js';
import { createPromptsModule } from './prompts/index.js';
import { createAcdModule } from './acd/index.js';
import { createWallboardModule } from './wallboard/index.js';
import { logFailure } from './log-failure.js';
import { createReportsModule } from './reports/index.js';
import { attachLiveFeed } from './acd/acd.ws.js';
import { startScreenPops } from './acd/screen-pop.js';
import { startReminderNotices } from './acd/reminder-notices.js';
import { startLiveRelay, wasRelayed } from './acd/live-relay.js';
import { createScheduler, type Scheduler } from './scheduler/index.js';
import { createTicketsModule, ticketsOpenedFromCalls } from './tickets/index.js';
import { smtpMailer } from './mail/mailer.js';
import { createKbModule } from './kb/index.js';
import { createRecordingModule, type RecordingModule } from './recording/index.js';
import { ownAgentGuard } from './acd/acd.http.js';
import { createQaModule } from './qa/index.js';
import { stasisSink } from './acd/callback-stasis.js';
import { createFaxModule } from './fax/index.js';
import { faxReturnSink } from './fax/fax.stasis.js';
import { createVoicemailModule } from './voicemail/index.js';
import { createBlockingModule } from './blocking/index.js';
import { campaignPorts, createCampaignModule } from './campaign/index.js';
import { createWebhooksModule, type WebhooksModule } from './webhooks/index.js';
import { callRecordJson } from './calls/calls.http.js';
import { firstAdminPasswordFile, pbxConnected, settledLinks, startBlock } from './start-block.js';

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
  installProcessGuards(process, log);
  watchLoopStalls(log);
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
    metricsAccess: config.metricsAccess,
    api: [api],
  });
  const server: Server = config.http.tls
    ? https.createServer({ cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) }, app)
    : http.createServer(app);
  answerClientErrorsAsJson(server);
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
  let recording: RecordingModule | undefined;
  let fax: ReturnType<typeof createFaxModule> | undefined;
  let voicemail: ReturnType<typeof createVoicemailModule> | undefined;
  let surveys: ReturnType<typeof createSurveyModule> | undefined;
  let webhooks: WebhooksModule | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (calls && (await handOver(elector, pbx, calls.stasis, log))) {
      log.info({ signal }, 'shutting down after handing the calls to the standby');
    } else {
      log.info({ signal }, 'shutting down: no new calls; letting calls in progress finish');
      await calls?.stasis.drain(config.calls.shutdownGraceMs);
      calls?.sweep?.stop();
    }
    liveFeed?.close();
    await liveRelay?.stop();
    await notices?.stop();
    await scheduler?.stop();
    await recording?.service.stop();
    await fax?.collector.stop();
    await fax?.sender.stop();
    await voicemail?.collector.stop();
    await surveys?.sweep.stop();
    await webhooks?.stop();
    await elector.stop();
    await pbx.stop();
    await attached?.stop();
    await attach?.service.flushed();
    await calls?.dialplan.settled();
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
  const firstAdmin = await bootstrapAdmin(auth, { password: config.auth.bootstrapAdminPassword, passwordFile: firstAdminPasswordFile(config) }, log);
  const routes = () => auth.secureRouter();
  const prompts = createPromptsModule({ db: db.source, ...config.prompts, log, routes: routes() });
  // The CRM's timeline and screen pop list calls by caller number through the calls module's pager.
  const callHistory = callRecordPager(db.source);
  const crm = createCrmModule({
    db: db.source,
    routes: routes(),
    calls: { listByCallers: (callers, limit, before) => callHistory.byCallers(callers, limit, before) },
    people: { findById: (id) => auth.service.users.findById(id), namesByIds: (ids) => auth.service.people.namesByIds(ids) },
  });
  const acd = createAcdModule({
    db: db.source,
    pbx: pbx.queues,
    callbackPbx: pbx.callbacks,
    calls: pbx.calls,
    lines: pbx.lines,
    vip: { vipLevel: async (phone) => Number((await crm.directory.findByPhone(phone))?.vipLevel ?? 0) },
    options: { ...config.acd, readOnly: false },
    log,
    routes: routes(),
  });
  // Fax: received faxes are filed by the active node (from AstDB, so a takeover still files them).
  fax = createFaxModule({
    db: db.source,
    pbx: pbx.fax,
    customers: {
      findByPhone: (p) => crm.service.findByPhone(p),
      phonesOf: async (id) => crm.service.get(id),
      recordInteraction: (i) => crm.service.recordInteraction(i),
    },
    userExists: async (username) => (await auth.service.users.findByUsername(username)) !== null,
    ticketIdOf: async (ref) => {
      try {
        return (await tickets!.service.get(ref)).id;
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
    options: config.fax,
    node: config.nodeName,
    isActive: () => elector.role === 'active',
    maxCallSeconds: config.calls.maxCallSeconds,
    log,
    routes: routes(),
  });
  // The live notice of a filed fax (the collector runs on the active node; the relay carries it to the other).
  fax.service.onFiled((f) => acd.live.publish({ type: 'fax.received', faxId: f.id, queue: f.queue, status: f.status, pages: f.pages, remoteNumber: f.remoteNumber, remoteStationId: f.remoteStationId, customerId: f.customerId, at: (f.finishedAt ?? new Date()).toISOString() }));
  // Voicemail: messages opened by the IVR, settled from Asterisk's stored recordings by the active node.
  voicemail = createVoicemailModule({
    db: db.source,
    stored: pbx.stored,
    callEnded: async (callId) => {
      const r = await calls!.service.record(callId);
      return !r || r.endedAt !== null;
    },
    customers: { customerOf: async (phone) => (await crm.service.findByPhone(phone))?.id ?? null, namesOf: (ids) => crm.service.namesOf(ids) },
    audit: (e) => auth.service.audit(e),
    isActive: () => elector.role === 'active' && config.ownPbx,
    options: config.voicemail,
    log,
    routes: routes(),
  });
  voicemail.service.onNew((v) => void crm.service.namesOf(v.customerId ? [v.customerId] : []).then(
    (names) => acd.live.publish({ type: 'voicemail.new', id: v.id, mailbox: v.mailbox, callerNumber: v.callerNumber, ...(v.customerId && names.get(v.customerId) ? { customerName: names.get(v.customerId)! } : {}), seconds: v.seconds, createdAt: v.createdAt.toISOString() }),
    logFailure(log, 'voicemail: the live notice of a new message'),
  ));
  // Blocked numbers: Asterisk's copy in AstDB written by the active node; refusals counted there.
  const blocking = createBlockingModule({
    db: db.source,
    astdb: pbx.astdb,
    isActive: () => elector.role === 'active' && config.ownPbx,
    audit: (e) => auth.service.audit(e),
    metrics: { syncFailures: () => metrics.blocklistSyncFailures.inc() },
    syncEveryMs: config.blocklist.syncEveryMs,
    log,
    routes: routes(),
  });
  pbx.onBlockedCall((caller, _called, at) => blocking.refused(caller, at));
  const ivr = createIvrModule({ db: db.source, prompts: prompts.service, sounds: pbx.sounds, customers: crm.directory, acd: acd.routing, fax: fax.intake, voicemail: voicemail.intake, log, metrics, routes: routes(),
    dialplan: { control: pbx.dialplan, mayWrite: () => elector.role === 'active' && config.ownPbx, faxDetectNumbers: config.fax.detectNumbers, enabled: config.calls.compileFlows } });
  // A prompt a flow or a survey plays is not deleted from the library (whenDeleting, below).
  let tickets: ReturnType<typeof createTicketsModule> | undefined;
  calls = createCallsModule({ db: db.source, control: pbx.calls, flows: ivr.flows, config, log, metrics, routes: routes(), ticketsOfCall: (callId) => tickets!.service.listForCall(callId),
    compiledFlows: ivr.dialplan, isActive: () => elector.role === 'active' && config.ownPbx });
  acd.useCallRecords(calls.service);
  // Satisfaction surveys: asked in Stasis of callers whose agent hung up first (the queue names the survey).
  surveys = createSurveyModule({
    db: db.source,
    prompts: { soundExists: (s) => pbx.sounds.exists(s), promptExists: (n) => prompts.service.exists(n), synthesize: (t, l) => prompts.service.synthesize(t, l) },
    audit: (e) => auth.service.audit(e),
    agentOfUser: (userId) => acd.agentOfUser(userId),
    isActive: () => elector.role === 'active',
    log,
    routes: routes(),
  });
  surveys.useQueues((name) => acd.config.queuesWithSurvey(name));
  acd.config.surveyExists = async (name) => (await surveys.service.find(name)) !== null;
  prompts.service.whenDeleting(async (name) => [...(await ivr.service.flowsUsingPrompt(name)), ...(await surveys.promptUsers(name))]);
  // Outbound campaigns (preview dialing): the agents of a queue call a list through click-to-dial.
  const campaigns = createCampaignModule({ db: db.source, ports: campaignPorts({ acd, blocking: blocking.service, crm: crm.service }), audit: (e) => auth.service.audit(e), log, routes: routes() });
  acd.outboundCalls.listen((e) => campaigns.onOutbound(e));
  const io = createIoModule({ db: db.source, log, crm: crm.service, calls: calls.pager, routes: routes(), internalNumbers: config.io.internalNumbers });
  const kb = createKbModule({ db: db.source, log, maxAttachmentBytes: config.kb.maxAttachmentBytes, people: auth.service.people, routes: routes() });
  // Timed work (SLA reminders, escalations) runs only on the active node.
  scheduler = createScheduler({ db: db.source, nodeName: config.nodeName, isActive: () => elector.role === 'active', log, leaseMs: config.scheduler.leaseMs });
  // One SMTP transport: scheduled reports and ticket replies to customers.
  const mailer = config.reportMail.smtp ? smtpMailer(config.reportMail.smtp) : null;
  tickets = createTicketsModule({
    db: db.source,
    mail: { mailer, from: config.reportMail.from, attempts: config.reportMail.attempts, retryMs: config.reportMail.retryMs },
    customers: crm.service,
    calls: calls.service,
    users: auth.service.users,
    people: auth.service.people,
    scheduler: scheduler.service,
    log,
    routes: routes(),
    maxAttachmentBytes: config.tickets.maxAttachmentBytes,
  });
  // An SLA deadline approaching: a notice on the assignee's console.
  tickets.service.sla.onReminded = (r) => acd.live.publish({ type: 'ticket.sla_due', userId: r.assigneeId, ticketId: r.ticketId, ticketNumber: r.number, title: r.title, target: r.target, dueAt: r.due });
  attach = attached && createAttachModule({ db: db.source, pbx: attached, live: acd.live, nodeName: config.nodeName, options: { reconcileMs: config.acd.reconcileMs }, log, routes: routes() });
  // Reports: rollups written as queue calls finish (Hotline's own PBX and an attached one).
  const reports = createReportsModule({
    db: db.source,
    acd,
    queueCallLogs: [acd.queueCalls, ...(attach ? [attach.queueCalls] : [])],
    log,
    routes: routes(),
    mail: { scheduler: scheduler.service, mailer, from: config.reportMail.from, attempts: config.reportMail.attempts, retryMs: config.reportMail.retryMs },
    // First-call resolution by tickets: the tickets' and the call records' own reads.
    contacts: {
      ticketsFromCalls: (from, to) => ticketsOpenedFromCalls(db.source, from, to),
      callsByIds: (ids) => callsByIds(db.source, ids),
      callsOfNumbers: (numbers, since, until) => callsOfNumbers(db.source, numbers, since, until),
    },
  });
  // Scheduled report e-mail: every enabled schedule has its next run planned (idempotent on every node).
  void reports.schedules.planAll().catch(logFailure(log, 'reports: planning scheduled e-mail'));
  // The wallboard's "today" figures are the reports' (one set of definitions, the same rollups).
  // The queue comparison and the agent statistics carry the satisfaction survey's figures.
  reports.service.satisfaction = (groupBy, windows, queues) => surveys.service.countersBy(groupBy, windows, queues);
  const today = { figures: (queue: string, from: Date, to: Date) => reports.service.queueFigures(queue, from, to), satisfaction: (queue: string, from: Date, to: Date) => surveys.service.queueTotals(queue, from, to), flushed: () => reports.writer.flushed() };
  const wallboard = createWallboardModule({ acd, monitor: pbx.monitor, isActive: () => elector.role === 'active', today, log, routes: routes() });
  // Recording: queue calls per the queue's policy (MixMonitor on the active node), stored sealed.
  const callRecords = calls.service;
  recording = createRecordingModule({
    db: db.source,
    pbx: pbx.recording,
    options: config.recordings,
    queues: async () => (await acd.config.snapshot()).queues,
    queueCalls: acd.queueCalls,
    armWith: acd.useRecordingArmer,
    agentOfUser: acd.agentOfUser,
    mayActOn: ownAgentGuard(acd.config),
    customerOf: async (number) => (await crm.directory.findByPhone(number))?.id ?? null,
    timeline: (callId, type, detail, at) => callRecords.addEvent(callId, type, detail, at),
    callFlags: (callId) => surveys.service.flagsOfCall(callId),
    audit: (e, m) => auth.service.audit(e, m),
    scheduler: scheduler.service,
    isActive: () => elector.role === 'active' && config.ownPbx,
    log,
    routes: routes(),
  });
  const recordings = recording;
  const qa = createQaModule({
    db: db.source,
    recordingById: (id) => recordings.search.find(id),
    recordingOfCall: (callId) => recordings.search.ofCall(callId),
    mayHear: (who, r) => recordings.access.check(who, r),
    agentOfUser: acd.agentOfUser,
    userRole: async (username) => {
      const u = await db.source.getRepository(User).findOneBy({ username: username.toLowerCase() });
      return u && !u.disabled ? u.role : null;
    },
    queueNames: async () => (await acd.config.snapshot()).queues.map((q) => q.name),
    recordingsOf: (queue, from, to, m) => recordings.search.storedOf(queue, from, to, m),
    scheduler: scheduler.service,
    audit: (e, m) => auth.service.audit(e, m),
    log,
    routes: routes(),
  });
  // Outgoing webhooks: queued from the live feed (active node), ended calls and ticket changes; sent by the active node.
  const callsService = calls.service;
  webhooks = createWebhooksModule({
    db: db.source,
    isActive: () => elector.role === 'active',
    log,
    routes: routes(),
    retryMs: config.webhooks.retryMs,
    live: { hub: acd.live, wasRelayed },
    calls: { onEnded: (fn) => callsService.onEnded(fn), recordJson: async (id) => { const r = await callsService.record(id); return r && callRecordJson(r); } },
    tickets: { onChange: (fn) => tickets.service.onChange(fn), get: (ref) => tickets.service.get(ref) },
  });
  api.use(auth.middleware, auth.router, calls.router, ivr.router, prompts.router, crm.router, io.router, tickets.router, acd.router, kb.router, wallboard.router, recording.router, qa.router, fax.router, voicemail.router, blocking.router, surveys.router, campaigns.router, webhooks.router);
  if (attach) api.use(attach.router);
  api.use(reports.router);
  const pops = startScreenPops(acd.live, {
    customerPop: (phone) => crm.service.screenPop(phone),
    openTickets: (customerId) => tickets.service.listForCustomer(customerId),
    ivrOfChannel: (channelId) => calls!.service.ivrOfChannel(channelId),
  }, () => elector.role === 'active', log);
  acd.dialer.onDial((agentId, number, channelId) => pops.outbound(agentId, number, channelId));
  acd.agentCalls.popOf = (agentId, c) => pops.forCall(agentId, c);
  notices = startReminderNotices(acd.live, crm.service.reminders, () => elector.role === 'active', log, config.nodeName);
  // HA: consoles on either node get the same feed (the active node's events, relayed through the database).
  if (config.ha.enabled) liveRelay = startLiveRelay(db.source, acd.live, () => elector.role === 'active', log.child({ part: 'live-relay' }));
  liveFeed = attachLiveFeed(server, { hub: acd.live, authenticate: (t) => auth.service.authenticate(t), agentOfUser: acd.agentOfUser, queuesOfAgent: acd.queuesOfAgent, log });
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
  callsInProgress = () => (calls?.stasis.inProgress ?? 0) + (calls?.dialplan.inProgress ?? 0);
  if (config.ownPbx) log.info({ ari: config.ari.url, ami: `${config.ami.host}:${config.ami.port}`, ha: config.ha.enabled }, 'connecting to Asterisk (AMI now; ARI once this node is active)');
  else log.info('no Asterisk of its own (HOTLINE_OWN_PBX=false): no ARI, no AMI commands');
  pbx.onQueueEvents(acd.service);
  const dialplanCalls = calls.dialplan;
  pbx.onDialplanEvents({ onDialplanCallEvent: (e) => dialplanCalls.onEvent(e), onDialplanLinkUp: () => {
    ivr.dialplan.linkUp();
    blocking.sync.linkUp();
  } });
  const faxes = fax;
  pbx.start(faxReturnSink(stasisSink(surveys.sink(calls.stasis, {
    follow: (call, prepare) => calls!.stasis.follow(call, prepare),
    callOf: async (channelId) => {
      const r = await calls!.service.findByChannel(channelId);
      return r && { id: r.id, startedAt: r.startedAt, queue: r.queue, agentId: r.agentId, agentName: r.agentName, callerNumber: r.callerNumber };
    },
    media: (ref, language) => promptMedia(prompts.service, ref, language),
    control: pbx.calls,
    answered: (r, a, at) => {
      acd.live.publish({ type: 'survey.answered', callId: r.callId, survey: r.survey, queue: r.queue, agentId: r.agentId, agentName: r.agentName, callerNumber: r.callerNumber, ...a, at: at.toISOString() });
      // QA finds the calls callers were unhappy with as it finds the signals' flags.
      if (!a.satisfied) void recording!.service.addFlags(r.callId, [UNSATISFIED_FLAG]).catch(logFailure(log, 'flagging the recording of a call rated unsatisfied', { context: { callId: r.callId } }));
    },
  }), acd.callbacks), { control: pbx.calls, fileNow: () => faxes.collector.tick(), intake: faxes.intake, detectInbox: config.fax.detectInbox, log }));
  if (attached && attach) {
    log.info({ pbx: attached.name, ami: `${config.attach!.host}:${config.attach!.port}`, user: config.attach!.user }, 'attaching read-only to an existing PBX over AMI');
    attached.onEvents(attach.service);
    attached.start();
  }
  // What only the active node does: the ACD (with Hotline's own Asterisk), recording the attached PBX.
  const sweep = calls.sweep;
  const duties = [...(config.ownPbx ? [acd.service] : []), ...(attach ? [attach.service] : []), ...(sweep ? [{ activate: () => sweep.start(), deactivate: () => sweep.stop() }] : []),
    ...(config.ownPbx ? [{ activate: () => ivr.dialplan.start(), deactivate: () => ivr.dialplan.stop() }, { activate: () => blocking.sync.start(), deactivate: () => blocking.sync.stop() }] : [])];
  wireLeadership(elector, pbx, calls.stasis, log, duties, config.ownPbx);
  scheduler.start();
  recording.service.start();
  fax.collector.start();
  fax.sender.start();
  voicemail.collector.start();
  surveys.sweep.start();
  webhooks.start();
  // The start block: console, first admin, which Asterisk (or how to start one). Waits at most
  // a few seconds for the Asterisk to answer; it never holds up calls or the API.
  const pbxUp = (l: ReturnType<typeof pbx.links>) => !config.ownPbx || pbxConnected(l, elector.role);
  void settledLinks(() => pbx.links(), pbxUp, 5000).then(async (l) => {
    const asteriskVersion = await pbx.version();
    if (!stopping) process.stderr.write(startBlock(config, { version: VERSION, admin: firstAdmin, links: l, role: elector.role, asteriskVersion }));
  });
}

main().catch((err: Error) => {
  process.stderr.write(`hotline: fatal: ${err.message}\n`);
  process.exit(1);
});
