// Wires Excel/CSV import and export from explicit dependencies.
//   const io = createIoModule({ db, log, crm: crm.service, calls: calls.pager, routes: auth.secureRouter() });
//   api.use(io.router);                       // routes under /api/io/..., each declaring its roles
//   io.events.on('progress' | 'finished', (job) => ...)   // for the WebSocket
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { NumberRange } from '../config.js';
import type { CrmService } from '../crm/crm.service.js';
import type { Logger } from '../logger.js';
import type { CallRecordPager } from '../calls/calls.pager.js';
import { ioRoutes, type IoRoutes } from './io.http.js';
import { IoService } from './io.service.js';
import { ImportJobs } from './jobs.js';
import { DEFAULT_LIMITS, type IoLimits } from './limits.js';

export { IoService } from './io.service.js';
export type { JobView, IoEvents } from './jobs.js';
export type { IoLimits } from './limits.js';
export type { IoRoutes, IoAccess } from './io.http.js';
export { DEFAULT_LIMITS } from './limits.js';

export function createIoModule(deps: {
  db: DataSource;
  log: Logger;
  crm: CrmService;
  limits?: Partial<IoLimits>;
  /** Where uploads are spooled and reports kept (default: <tmpdir>/hotline-io). */
  workDir?: string;
  /** Call records for the export: the calls module's pager. */
  calls: CallRecordPager;
  /** The auth module's SecureRouter (routes declared admin / supervisor). */
  routes: IoRoutes;
  /** Customer import: numbers shorter than a phone number accepted as internal numbers (config HOTLINE_IMPORT_INTERNAL_NUMBERS). */
  internalNumbers?: NumberRange[];
}) {
  const log = deps.log.child({ module: 'io' });
  const limits: IoLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const jobs = new ImportJobs(deps.db, log);
  const service = new IoService({
    db: deps.db,
    crm: deps.crm,
    log,
    limits,
    workDir: resolve(deps.workDir ?? join(tmpdir(), 'hotline-io')),
    calls: deps.calls,
    jobs,
    rowOptions: { internalNumbers: deps.internalNumbers ?? [] },
  });
  service.recoverInterrupted().then(
    (n) => n && log.warn({ jobs: n }, 'imports interrupted by a restart were marked failed'),
    (err: Error) => log.error({ err: err.message }, 'could not check for interrupted imports'),
  );
  return { service, router: ioRoutes(deps.routes, service, log), events: jobs.events };
}
