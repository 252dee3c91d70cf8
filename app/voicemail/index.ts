// Wires the voicemail inbox: the service, the IVR's intake (a message opened before recording),
// the collector that settles messages from Asterisk's stored recordings (active node only, with
// the retention purge), and the routes.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { StoredRecordings } from '../pbx/ports.js';
import type { VoicemailIntake } from '../ivr/runtime/runtime.js';
import { VoicemailCollector } from './voicemail.collector.js';
import type { Audit } from '../auth/audit.js';
import { voicemailRoutes, type CustomerNames } from './voicemail.http.js';
import { VoicemailService } from './voicemail.service.js';

export function createVoicemailModule(deps: {
  db: DataSource;
  stored: StoredRecordings;
  /** Whether call `callId` has ended (its call record is closed, or there is none). */
  callEnded: (callId: string) => Promise<boolean>;
  customers?: { customerOf(phone: string): Promise<string | null>; namesOf: CustomerNames };
  /** The audit log: who heard which message. */
  audit?: Audit;
  isActive: () => boolean;
  options: { retentionDays: number; settleMarginSeconds: number };
  log: Logger;
  routes: SecureRouter;
}) {
  const log = deps.log.child({ module: 'voicemail' });
  const service = new VoicemailService(deps.db);
  const collector = new VoicemailCollector(service, { stored: deps.stored, callEnded: deps.callEnded, customerOf: deps.customers?.customerOf }, log, {
    isActive: deps.isActive,
    marginMs: deps.options.settleMarginSeconds * 1000,
    retentionDays: deps.options.retentionDays,
  });
  voicemailRoutes(deps.routes, service, deps.stored, deps.customers?.namesOf ?? (async () => new Map()), deps.audit);
  const intake: VoicemailIntake = {
    opened: async (i) => {
      const v = await service.open(i);
      return { id: v.id };
    },
    finished: async (callId) => {
      await service.finished(callId);
      void collector.tick();
    },
  };
  return { service, collector, intake, router: deps.routes.router };
}
