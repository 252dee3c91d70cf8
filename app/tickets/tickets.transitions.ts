// The ticket status machine. Every allowed move is listed here; anything else is refused
// with 409 transition_not_allowed. Closing a duplicate by merging is the one move outside
// the table (see TicketsService.merge).
import type { TicketStatus } from './tickets.entities.js';

export const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  assigned: ['in_progress', 'waiting_on_customer', 'resolved', 'closed'],
  in_progress: ['assigned', 'waiting_on_customer', 'resolved', 'closed'],
  waiting_on_customer: ['in_progress', 'resolved', 'closed'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses in which the resolution clock stops. */
export const DONE_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];

export const isOpen = (s: TicketStatus) => !DONE_STATUSES.includes(s);
