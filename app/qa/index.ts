// Wires QA from explicit dependencies: recordings (what may be evaluated, who may hear it), users
// (who may evaluate), queues, the scheduler (sampling runs) and audit.
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditInput } from '../auth/audit.js';
import type { SecureRouter } from '../auth/permissions.js';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';
import type { SchedulerService } from '../scheduler/index.js';
import { CalibrationService } from './calibration.service.js';
import { qaWorkRoutes } from './qa-work.http.js';
import { qaRoutes } from './qa.http.js';
import { QaService, type QaDeps } from './qa.service.js';
import { SamplingService, type SamplingDeps } from './sampling.service.js';

export interface QaModuleDeps extends Omit<QaDeps, 'db'> {
  db: DataSource;
  routes: SecureRouter;
  userRole: (username: string) => Promise<string | null>;
  queueNames: () => Promise<string[]>;
  recordingsOf: SamplingDeps['recordingsOf'];
  scheduler: SchedulerService;
  audit: (e: AuditInput, m?: EntityManager) => Promise<void>;
  log: Logger;
}

export function createQaModule(deps: QaModuleDeps) {
  const log = deps.log.child({ module: 'qa' });
  const service = new QaService(deps);
  const calibrations = new CalibrationService({ db: deps.db, qa: service, recordingById: deps.recordingById, userRole: deps.userRole });
  const sampling = new SamplingService({ db: deps.db, qa: service, scheduler: deps.scheduler, recordingsOf: deps.recordingsOf, queueNames: deps.queueNames, userRole: deps.userRole, audit: deps.audit, log });
  void sampling.ensureScheduled().catch(logFailure(log, 'scheduling the hourly QA sampling', { level: 'error' }));
  qaRoutes(deps.routes, service, calibrations);
  qaWorkRoutes(deps.routes, calibrations, sampling);
  return { service, calibrations, sampling, router: deps.routes.router };
}
