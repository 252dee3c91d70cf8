// Customers (客户) as the /customers page works them (docs/api/crm.md): the list with its
// filters, one customer, its changes, timeline and notes; merging a duplicate; deleting.
import { api } from './client';
import type { CustomerView } from '@server/crm/crm.views';
import type { TimelineEntry } from './work';
import type { TicketRow } from './tickets';

export { CUSTOMER_SORTS, patchCustomerBody } from '@server/crm/crm.schemas';

/** A customer as the API answers it (dates as ISO text); `mergedFrom` when the ID asked for was merged into this one. */
export type Customer = Omit<CustomerView, 'createdAt' | 'updatedAt' | 'deletedAt'> & { createdAt: string; updatedAt: string; mergedFrom?: string };
export interface CustomerFilter { name?: string; phone?: string; email?: string; tag?: string; region?: string; company?: string; sort: 'name' | 'createdAt' | 'updatedAt' | 'vipLevel'; order: 'asc' | 'desc'; limit: number; offset: number }
export interface MergeOutcome { customer: Customer; moved: { duplicateId: string; phones: number; emails: number; tags: number; interactions: number; reminders: number; contacts: number } }

const at = (id: string) => `/api/customers/${encodeURIComponent(id)}`;

export const customersApi = {
  list: (f: CustomerFilter) => api.get<{ items: Customer[]; total: number }>('/api/customers', { ...f }),
  get: (id: string) => api.get<Customer>(at(id)),
  create: (body: unknown) => api.post<Customer>('/api/customers', body),
  update: (id: string, patch: Record<string, unknown>) => api.patch<Customer>(at(id), patch),
  remove: (id: string) => api.del<void>(at(id)),
  merge: (survivorId: string, duplicateId: string) => api.post<MergeOutcome>(`${at(survivorId)}/merge`, { duplicateId }),
  timeline: (id: string, before?: string) => api.get<{ items: TimelineEntry[]; next: string | null }>(`${at(id)}/timeline`, { limit: 20, before }),
  addNote: (id: string, text: string) => api.post<TimelineEntry>(`${at(id)}/notes`, { text }),
  tickets: (id: string) => api.get<{ items: TicketRow[]; total: number }>('/api/tickets', { customer: id, sort: 'updatedAt', order: 'desc', limit: 10 }),
};
