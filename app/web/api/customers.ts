// Customers (客户) as the /customers page works them (docs/api/crm.md): the list with its
// filters, one customer, its changes, timeline and notes; merging a duplicate; deleting.
import { api } from './client';
import type { CustomerView } from '@server/crm/crm.views';
import type { Reminder, TimelineEntry } from './work';
import type { TicketRow } from './tickets';

export { CUSTOMER_SORTS, patchCustomerBody } from '@server/crm/crm.schemas';

/** A customer as the API answers it (dates as ISO text); `mergedFrom` when the ID asked for was merged into this one. */
export type Customer = Omit<CustomerView, 'createdAt' | 'updatedAt' | 'deletedAt'> & { createdAt: string; updatedAt: string; mergedFrom?: string };
/** The list's filters (GET /api/customers); `phoneDigits`: digits inside any stored number (the last four find a customer). */
export interface CustomerSearchFilter { name?: string; phone?: string; phoneDigits?: string; email?: string; tag?: string; region?: string; company?: string }
export interface CustomerFilter extends CustomerSearchFilter { sort: 'name' | 'createdAt' | 'updatedAt' | 'vipLevel'; order: 'asc' | 'desc'; limit: number; offset: number }
export interface MergeOutcome { customer: Customer; moved: { duplicateId: string; phones: number; emails: number; tags: number; interactions: number; reminders: number; contacts: number } }

/** A follow-up reminder: for `agentId` (a user ID; `agentName` their name), set by `createdBy` (a username). */
export type FollowUp = Reminder & { agentId: string; agentName: string; createdBy: string };

export interface Company { id: string; name: string; address: string; region: string }
/** A company as its list shows it: how many customers are its contacts. */
export type CompanyRow = Company & { contactCount: number; updatedAt: string };
/** A customer linked to a company, with the role there. */
export interface Contact { customerId: string; name: string; role: string; phones: string[] }
export { companyBody, patchCompanyBody } from '@server/crm/crm.schemas';

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
  /** The customer's follow-ups not yet done, soonest first. */
  /** The follow-ups not done yet (still to come, or already notified), soonest first. */
  followUps: async (id: string) => {
    const ask = (status: 'open' | 'notified') => api.get<{ items: FollowUp[] }>('/api/reminders', { customerId: id, status, limit: 100 }).then((r) => r.items);
    const [open, notified] = await Promise.all([ask('open'), ask('notified')]);
    return [...open, ...notified].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  },
  addFollowUp: (id: string, body: { dueAt: string; text: string }) => api.post<FollowUp>(`${at(id)}/reminders`, body),
  completeFollowUp: (reminderId: string) => api.post<FollowUp>(`/api/reminders/${encodeURIComponent(reminderId)}/complete`),
  /** Companies whose name contains `name` (the link form's suggestions). */
  companies: (name: string) => api.get<{ items: Company[] }>('/api/companies', { name, limit: 8 }).then((r) => r.items),
  createCompany: (name: string) => api.post<Company>('/api/companies', { name }),
  linkCompany: (companyId: string, customerId: string, role: string) => api.post<unknown>(`/api/companies/${encodeURIComponent(companyId)}/contacts`, { customerId, role }),
  unlinkCompany: (companyId: string, customerId: string) => api.del<void>(`/api/companies/${encodeURIComponent(companyId)}/contacts/${encodeURIComponent(customerId)}`),
  tickets: (id: string) => api.get<{ items: TicketRow[]; total: number }>('/api/tickets', { customer: id, sort: 'updatedAt', order: 'desc', limit: 10 }),
};

const company = (id: string) => `/api/companies/${encodeURIComponent(id)}`;

/** Companies (公司) as the Companies view of the customers page works them. */
export const companiesApi = {
  list: (f: { name?: string; limit: number; offset: number }) => api.get<{ items: CompanyRow[]; total: number }>('/api/companies', { ...f }),
  get: (id: string) => api.get<Company & { contacts: Contact[] }>(company(id)),
  create: (body: { name: string; address: string; region: string }) => api.post<Company>('/api/companies', body),
  update: (id: string, patch: Record<string, string>) => api.patch<Company>(company(id), patch),
  remove: (id: string) => api.del<void>(company(id)),
  addContact: (id: string, customerId: string, role: string) => api.post<Company & { contacts: Contact[] }>(`${company(id)}/contacts`, { customerId, role }),
  removeContact: (id: string, customerId: string) => api.del<void>(`${company(id)}/contacts/${encodeURIComponent(customerId)}`),
};
