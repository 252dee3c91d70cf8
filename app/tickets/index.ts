// Wires the tickets module from explicit dependencies: the CRM, calls and auth services for
// references, the scheduler for SLA reminders and escalations.
import type { SecureRouter } from '../auth/permissions.js';
import { ticketsRoutes } from './tickets.http.js';
import { TicketsService, type TicketsDeps } from './tickets.service.js';

export function createTicketsModule(deps: TicketsDeps & { routes: SecureRouter; maxAttachmentBytes?: number }) {
  const service = new TicketsService({ ...deps, log: deps.log.child({ module: 'tickets' }) });
  service.sla.register();
  service.mail.register();
  ticketsRoutes(deps.routes, service, { maxAttachmentBytes: deps.maxAttachmentBytes ?? 10 * 1024 * 1024 });
  return { service, router: deps.routes.router };
}

export { TicketsService } from './tickets.service.js';
export { ticketsOpenedFromCalls } from './tickets.fcr.js';
