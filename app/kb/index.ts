// Wires the knowledge base from explicit dependencies.
import type { SecureRouter } from '../auth/permissions.js';
import { kbRoutes } from './kb.http.js';
import { KbService, type KbServiceDeps } from './kb.service.js';

export { KbService } from './kb.service.js';

export function createKbModule(deps: KbServiceDeps & { routes: SecureRouter }) {
  const log = deps.log.child({ module: 'kb' });
  const service = new KbService({ ...deps, log });
  kbRoutes(deps.routes, service);
  return { service, router: deps.routes.router };
}
