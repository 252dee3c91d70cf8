// Wires the wallboard from explicit dependencies: the ACD's model, queue-call log, live hub and
// agent actions, and the PBX's monitoring port.
import type { TodaySource } from './wallboard.service.js';
import type { AcdModule } from '../acd/index.js';
import type { SecureRouter } from '../auth/permissions.js';
import type { Logger } from '../logger.js';
import type { MonitorControl } from '../pbx/ports.js';
import { MonitorService } from './monitor.service.js';
import { wallboardRoutes } from './wallboard.http.js';
import { WallboardService } from './wallboard.service.js';

export interface WallboardDeps {
  acd: Pick<AcdModule, 'config' | 'live' | 'service'>;
  monitor: MonitorControl;
  isActive: () => boolean;
  /** The reports' figures of a queue: the board's "today" follows the reports' definitions. */
  today: TodaySource;
  log: Logger;
  routes: SecureRouter;
}

export function createWallboardModule(deps: WallboardDeps) {
  const log = deps.log.child({ module: 'wallboard' });
  const service = new WallboardService(deps.acd.config, deps.acd.service.calls, deps.today, log);
  const monitor = new MonitorService(deps.acd.config, deps.monitor, deps.acd.live);
  wallboardRoutes(deps.routes, service, deps.acd.service, monitor);
  service.start(deps.acd.live, deps.isActive);
  return { service, monitor, router: deps.routes.router, stop: () => service.stop() };
}
