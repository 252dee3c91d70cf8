// Wires the IVR module: flow storage, the call pipeline's flow resolver, and its routes.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PromptLibrary, SoundCatalog } from './ivr.ports.js';
import { ivrRoutes } from './ivr.http.js';
import type { SecureRouter } from '../auth/permissions.js';
import { IvrFlows } from './ivr.flows.js';
import { IvrService } from './ivr.service.js';
import type { CustomerDirectory, FaxIntake, QueueRouting, VoicemailIntake } from './runtime/runtime.js';
import type { DialplanControl } from '../pbx/dialplan-control.js';
import { DialplanSync } from './dialplan-sync.js';

export function createIvrModule(deps: {
  db: DataSource;
  prompts: PromptLibrary;
  sounds: SoundCatalog;
  customers?: CustomerDirectory;
  acd?: QueueRouting;
  fax?: FaxIntake;
  voicemail?: VoicemailIntake;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
  routes: SecureRouter;
  /** Flows the dialplan can run by itself are compiled into it (only while `mayWrite`). */
  dialplan: { control: DialplanControl; mayWrite: () => boolean; faxDetectNumbers: string[]; enabled: boolean };
}) {
  const log = deps.log.child({ module: 'ivr' });
  const service = new IvrService(deps.db, deps.prompts, deps.sounds, log);
  const flows = new IvrFlows(service, { ivr: service, prompts: deps.prompts, customers: deps.customers, acd: deps.acd, fax: deps.fax, voicemail: deps.voicemail, now: deps.now ?? (() => new Date()), log });
  const dialplan = new DialplanSync(service, deps.prompts, deps.dialplan.control, deps.dialplan.mayWrite, log, { faxDetectNumbers: deps.dialplan.faxDetectNumbers, enabled: deps.dialplan.enabled, everyMs: 10_000 });
  ivrRoutes(deps.routes, service, { prompts: deps.prompts, customers: deps.customers, log, compiled: () => dialplan.compiledNumbers() });
  return { service, flows, dialplan, router: deps.routes.router };
}
