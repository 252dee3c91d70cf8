// Customers, tickets, notes, reminders and knowledge-base search, as the agent desktop uses them.
import { api } from './client';

export interface CustomerCard {
  id: string;
  name: string;
  company: string;
  region: string;
  vipLevel: number;
  phones: string[];
  emails: string[];
  tags: string[];
  companies?: Array<{ id?: string; name?: string; role?: string }>;
}

export interface TimelineEntry {
  id: string;
  kind: string;
  at: string;
  summary: string;
  actor?: string;
  source?: string;
  /** What the entry is about: a call's, ticket's or fax's ID. */
  refId?: string | null;
  /** The translatable form (`timeline.<key>`), when the server has one. */
  text?: { key: string; args: Record<string, string | number> };
}

export interface Ticket {
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  customerId: string;
  callId: string | null;
  createdAt: string;
}

export interface ScreenPopData {
  known: boolean;
  phone: string | null;
  customer?: CustomerCard;
  lastInteractions?: TimelineEntry[];
  openReminders?: Array<{ id: string; dueAt: string; text: string; status: string }>;
  createOffer?: { name: string; phones: string[] };
}

/** A published article as an agent reads it (the read counts a view). */
export interface KbRead { id: string; title: string; body: string; tags: string[]; helpful: { yes: number; no: number; mine: boolean | null }; attachments: Array<{ id: string; filename: string; contentType: string; sizeBytes: number; sha256: string; createdAt: string }> }

export interface KbHit {
  id: string;
  title: string;
  snippet?: string;
  score?: number;
  category?: unknown;
}

export interface Reminder {
  id: string;
  customerId: string;
  customerName?: string;
  dueAt: string;
  text: string;
  status: string;
}

export const workApi = {
  screenPop: (phone: string) => api.get<ScreenPopData>('/api/customers/screen-pop', { phone }),
  createCustomer: (body: unknown) => api.post<CustomerCard>('/api/customers', body),
  customer: (id: string) => api.get<CustomerCard>(`/api/customers/${id}`),
  addNote: (customerId: string, text: string) => api.post<unknown>(`/api/customers/${customerId}/notes`, { text }),
  addReminder: (customerId: string, body: { dueAt: string; text: string }) => api.post<Reminder>(`/api/customers/${customerId}/reminders`, body),
  reminders: (userId: string) => api.get<{ items: Reminder[] }>('/api/reminders', { agentId: userId, limit: 100 }).then((r) => r.items.filter((x) => x.status !== 'done')),
  completeReminder: (id: string) => api.post<Reminder>(`/api/reminders/${id}/complete`),
  createTicket: (body: unknown) => api.post<Ticket>('/api/tickets', body),
  comment: (ticketId: string, body: string) => api.post<unknown>(`/api/tickets/${ticketId}/comments`, { body, visibility: 'internal' }),
  kbSearch: (q: string) => api.get<{ items: KbHit[]; total?: number }>('/api/kb/search', { q, limit: 8 }),
  kbArticle: (id: string) => api.get<KbRead>(`/api/kb/articles/${id}`),
  /** "Was this helpful?": one changeable answer per user; answers the counts. */
  kbVote: (id: string, helpful: boolean) => api.put<KbRead['helpful']>(`/api/kb/articles/${id}/vote`, { helpful }),
};
