// Wires recording from explicit dependencies: the queue policy (ACD), MixMonitor (pbx), the call
// timeline (calls), the customer lookup (CRM), audit (auth) and the store on disk.
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { AnsweredQueueCall } from '../acd/acd.calls.js';
import type { RecordingSettings } from '../acd/acd.schemas.js';
import type { AuditInput } from '../auth/audit.js';
import type { SecureRouter } from '../auth/permissions.js';
import type { Config } from '../config.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import { assertSafeRecordingPath, type RecordingControl } from '../pbx/ports.js';
import { KeyRing } from './key-ring.js';
import { PlayTickets } from './play-ticket.js';
import { RecordingAccess } from './recording.access.js';
import { recordingRoutes } from './recording.http.js';
import { RecordingPlayer } from './recording.player.js';
import { RecordingSearch } from './recording.search.js';
import { RecordingService } from './recording.service.js';
import { RecordingStore } from './recording.store.js';
import { RecordingSignals } from './recording.signals.js';
import { RecordingRetention } from './recording.retention.js';
import { KeywordService } from './keyword.service.js';
import type { EntityManager } from 'typeorm';
import type { SchedulerService } from '../scheduler/index.js';

export interface RecordingModuleDeps {
  db: DataSource;
  /** Flags other modules hold for a call (the survey's `unsatisfied`), added when its recording is stored. */
  callFlags?: (callId: string) => Promise<string[]>;
  pbx: RecordingControl;
  options: Config['recordings'];
  queues: () => Promise<Array<{ name: string; settings: { recording: RecordingSettings } }>>;
  /** The ACD's queue calls: told when an agent answers and when the call ends. */
  queueCalls: { answerListeners: Array<(a: AnsweredQueueCall) => void>; endListeners: Array<(uniqueid: string, at: Date) => void> };
  /** Registers the recording's arming with the IVR's hand-off to queues (the ACD's routing). */
  armWith?: (arm: (call: { callId: string; uniqueid: string; callerNumber: string }, queues: string[]) => Promise<Record<string, string>>) => void;
  agentOfUser: (userId: string) => Promise<string | null>;
  mayActOn: (req: Request, agentId: string) => Promise<void>;
  customerOf: (number: string) => Promise<string | null>;
  timeline: (callId: string, type: string, detail: unknown, at: Date) => void;
  audit: (e: AuditInput, m?: EntityManager) => Promise<void>;
  scheduler: SchedulerService;
  isActive: () => boolean;
  log: Logger;
  routes: SecureRouter;
}

export function createRecordingModule(deps: RecordingModuleDeps) {
  const log = deps.log.child({ module: 'recording' });
  const keys = new KeyRing(deps.options.keyFile);
  keys.current(); // a bad key file stops start-up here, not at the first call
  assertSafeRecordingPath(deps.options.asteriskSpoolDir); // it goes into the dialplan's MixMonitor() as set by the queue hand-off
  const settingsOf = async (queue: string) => (await deps.queues()).find((q) => q.name === queue)?.settings.recording ?? null;
  const store = new RecordingStore(deps.options.dir, deps.options.spoolDir, keys);
  const keywords = new KeywordService(deps.db, async () => (await deps.queues()).map((q) => q.name));
  const signals = new RecordingSignals(settingsOf, (queue) => keywords.forQueue(queue), log);
  const service = new RecordingService({ db: deps.db, pbx: deps.pbx, store, asteriskSpoolDir: deps.options.asteriskSpoolDir, settingsOf, customerOf: deps.customerOf, timeline: deps.timeline, isActive: deps.isActive, analyse: (rec, stored) => signals.analyse(rec, stored), callFlags: deps.callFlags, log });
  deps.queueCalls.answerListeners.push((a) => void service.onAnswered(a).catch(logFailure(log, 'starting a recording', { level: 'error', context: { queue: a.queue } })));
  // Callers handed to queues: MixMonitor set before Queue() rings anyone, for the queues that record them.
  deps.armWith?.(async (call, queues) => {
    const [now, overflow] = await service.arm(call, queues);
    const vars: Record<string, string> = {};
    if (now || overflow) vars.HOTLINE_REC_DIR = deps.options.asteriskSpoolDir;
    if (now) vars.HOTLINE_REC_KEY = now;
    if (overflow) vars.HOTLINE_OVERFLOW_REC_KEY = overflow;
    return vars;
  });
  deps.queueCalls.endListeners.push((u, at) => void service.onEnded(u, at).catch(logFailure(log, 'ending a recording', { level: 'error' })));
  const access = new RecordingAccess({ settingsOf, agentOfUser: deps.agentOfUser });
  const search = new RecordingSearch(deps.db);
  const player = new RecordingPlayer(deps.options.dir, keys);
  const queuesOf = async (supervisor: string) => (await deps.queues()).filter((q) => !q.settings.recording.supervisors.length || q.settings.recording.supervisors.includes(supervisor)).map((q) => q.name);
  const retention = new RecordingRetention(deps.db, deps.scheduler, store, deps.audit, deps.options.purgeAt, log);
  void retention.ensureScheduled().catch(logFailure(log, 'scheduling the nightly recording purge', { level: 'error' }));
  recordingRoutes(deps.routes, { service, search, access, player, keys, tickets: new PlayTickets(keys), retention, keywords, audit: deps.audit, mayActOn: deps.mayActOn, queuesOf });
  return { service, search, access, keys, store, retention, keywords, router: deps.routes.router };
}

export type RecordingModule = ReturnType<typeof createRecordingModule>;
