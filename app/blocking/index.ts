// Wires the blocked numbers: the service, the sync of Asterisk's copy (active node only), the
// counting of refused calls (active node only), and the routes.
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { AstDb } from '../pbx/astdb.js';
import { logFailure } from '../log-failure.js';
import type { Audit } from '../auth/audit.js';
import { blockingRoutes } from './blocking.http.js';
import { BlockingService } from './blocking.service.js';
import { BlocklistSync } from './blocking.sync.js';

export function createBlockingModule(deps: {
  db: DataSource;
  astdb: AstDb;
  /** This node is the active one with its own Asterisk (writes the copy, counts refusals). */
  isActive: () => boolean;
  audit: Audit;
  metrics: { syncFailures: () => void };
  log: Logger;
  routes: SecureRouter;
  syncEveryMs?: number;
}) {
  const log = deps.log.child({ module: 'blocking' });
  const service = new BlockingService(deps.db);
  const sync = new BlocklistSync(service, deps.astdb, deps.isActive, log, { everyMs: deps.syncEveryMs ?? 30_000, onFailure: deps.metrics.syncFailures });
  service.onChange(() => sync.sync());
  blockingRoutes(deps.routes, service, deps.audit);
  /** A call from `caller` was refused by a block (AMI UserEvent HotlineBlocked). */
  const refused = (caller: string, at: Date): void => {
    if (!deps.isActive()) return;
    void service.refused(caller, at).catch(logFailure(log, 'counting a call refused by a block', { context: { caller } }));
  };
  return { service, sync, refused, router: deps.routes.router };
}
