import type { DataSource } from 'typeorm';
import type { CustomerDirectory } from '../ivr/runtime/runtime.js';
import { crmRoutes } from './crm.http.js';
import type { SecureRouter } from '../auth/permissions.js';
import { CrmService } from './crm.service.js';
import type { CallHistoryPort } from './crm.timeline.js';
import type { ReminderPeople } from './crm.reminders.js';

export type { CallHistoryPort, CallSummary, TimelineItem } from './crm.timeline.js';

/**
 * `calls`: the calls module's history by caller number (see app/calls/calls.pager.ts
 * `byCallers`), for the timeline and the screen pop; without it they show interactions only.
 */
export function createCrmModule(deps: { db: DataSource; routes: SecureRouter; calls?: CallHistoryPort; people?: ReminderPeople }) {
  const service = new CrmService(deps.db, { calls: deps.calls, people: deps.people });
  /** What the IVR lookup node sees: flat fields (name, company, vipLevel, vip, id). */
  const directory: CustomerDirectory = {
    async findByPhone(phone) {
      const c = await service.findByPhone(phone);
      return c ? { id: c.id, name: c.name, company: c.company, vipLevel: String(c.vipLevel), vip: c.vipLevel > 0 ? 'yes' : 'no' } : null;
    },
  };
  crmRoutes(deps.routes, service);
  return { service, directory, router: deps.routes.router };
}
