// Tickets (工单) as the console works them (docs/api/tickets.md): the /tickets page.
import { api } from './client';
import type { TicketView } from '@server/tickets/tickets.view';

export { TRANSITIONS } from '@server/tickets/tickets.transitions';
export { commentBody } from '@server/tickets/tickets.schemas';
export { PRIORITIES, STATUSES, TYPES } from '@server/tickets/tickets.kinds';

export type TicketRow = TicketView;
export interface TicketComment { id: string; ticketNumber: string; author: string; visibility: 'internal' | 'public'; body: string; createdAt: string }
export interface TicketChange { actor: string; at: string; field: string; old: string | null; new: string | null; ticketNumber?: string }
export interface TicketFilter { status?: string; priority?: string; assignee?: string; escalated?: 'true'; q?: string; sort: 'createdAt' | 'updatedAt' | 'priority' | 'dueAt'; order: 'asc' | 'desc'; limit: number; offset: number }

const at = (id: string) => `/api/tickets/${encodeURIComponent(id)}`;

export const ticketsApi = {
  list: (f: TicketFilter) => api.get<{ items: TicketRow[]; total: number }>('/api/tickets', { ...f }),
  get: (id: string) => api.get<TicketRow>(at(id)),
  update: (id: string, patch: Record<string, unknown>) => api.patch<TicketRow>(at(id), patch),
  comments: (id: string) => api.get<{ items: TicketComment[] }>(`${at(id)}/comments`),
  comment: (id: string, body: string, visibility: 'internal' | 'public') => api.post<TicketComment>(`${at(id)}/comments`, { body, visibility }),
  history: (id: string) => api.get<{ items: TicketChange[] }>(`${at(id)}/history`),
  customerName: async (id: string) => (await api.get<{ name: string }>(`/api/customers/${id}`)).name,
};
