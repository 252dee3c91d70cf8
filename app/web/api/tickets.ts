// Tickets (工单) as the console works them (docs/api/tickets.md): the /tickets page.
import { api, download, upload } from './client';
import type { TicketView } from '@server/tickets/tickets.view';
import type { Person } from '@server/auth/auth.people';

export { TRANSITIONS } from '@server/tickets/tickets.transitions';
export { commentBody, ticketRef } from '@server/tickets/tickets.schemas';
export { PRIORITIES, STATUSES, TYPES } from '@server/tickets/tickets.kinds';

export type TicketRow = TicketView;
/** `author`/`actor` are usernames (or `sla`, `api-key:…`); the *Name fields are what to show. */
/** How a comment's e-mail to the customer went (docs/api/tickets.md). */
export interface CommentEmail { to: string; state: 'scheduled' | 'sending' | 'sent' | 'retrying' | 'failed' | 'cancelled'; attempts: number; error: string | null; sentAt: string | null; nextTryAt: string | null }
export interface TicketComment { id: string; ticketNumber: string; author: string; authorName: string; visibility: 'internal' | 'public'; body: string; createdAt: string; email: CommentEmail | null }
export interface TicketChange { actor: string; actorName: string; at: string; field: string; old: string | null; new: string | null; oldName: string | null; newName: string | null; ticketNumber?: string }
/** A file on a ticket (or on a duplicate merged into it: `ticketNumber`). */
export interface TicketAttachment { id: string; ticketNumber: string; fileName: string; contentType: string; sizeBytes: number; sha256: string; uploadedBy: string; uploadedByName: string; createdAt: string }
/** Someone a ticket can be assigned to. */
export type Assignee = Person;
export interface TicketFilter { status?: string; priority?: string; assignee?: string; escalated?: 'true'; q?: string; sort: 'createdAt' | 'updatedAt' | 'priority' | 'dueAt'; order: 'asc' | 'desc'; limit: number; offset: number }

const at = (id: string) => `/api/tickets/${encodeURIComponent(id)}`;

/** How many people the assign picker loads at once; past that, it asks the server as the user types. */
export const ASSIGNEES_AT_ONCE = 200;

export const ticketsApi = {
  list: (f: TicketFilter) => api.get<{ items: TicketRow[]; total: number }>('/api/tickets', { ...f }),
  get: (id: string) => api.get<TicketRow>(at(id)),
  update: (id: string, patch: Record<string, unknown>) => api.patch<TicketRow>(at(id), patch),
  comments: (id: string) => api.get<{ items: TicketComment[] }>(`${at(id)}/comments`),
  /** `emailLocale`: also e-mail the reply to the customer, framed in that language. */
  comment: (id: string, body: string, visibility: 'internal' | 'public', emailLocale?: 'zh-CN' | 'en') =>
    api.post<TicketComment>(`${at(id)}/comments`, { body, visibility, ...(emailLocale ? { emailCustomer: true, emailLocale } : {}) }),
  history: (id: string) => api.get<{ items: TicketChange[] }>(`${at(id)}/history`),
  /** The people a ticket can be assigned to, by name; `q`: whose name or username contains it. */
  assignees: (q?: string) => api.get<{ items: Assignee[]; total: number }>('/api/ticket-assignees', { limit: ASSIGNEES_AT_ONCE, ...(q ? { q } : {}) }),
  attachments: (id: string) => api.get<{ items: TicketAttachment[] }>(`${at(id)}/attachments`),
  attach: (id: string, file: File) => upload<TicketAttachment>(`${at(id)}/attachments`, file, file.type || 'application/octet-stream', { fileName: file.name }),
  downloadAttachment: (id: string, a: TicketAttachment) => download(`${at(id)}/attachments/${a.id}`, {}, a.fileName),
  merge: (id: string, duplicate: string) => api.post<TicketRow>(`${at(id)}/merge`, { duplicate }),
  customerName: async (id: string) => (await api.get<{ name: string }>(`/api/customers/${id}`)).name,
  /** The customer's name and e-mail addresses (the first is where replies are e-mailed). */
  customerCard: (id: string) => api.get<{ name: string; emails: string[] }>(`/api/customers/${id}`),
};
