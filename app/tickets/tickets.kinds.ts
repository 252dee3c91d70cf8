// Ticket priorities, statuses and types: plain constants (no ORM), shared by the entities, the
// schemas and the web console's forms.
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_RANK: Record<Priority, number> = { low: 1, normal: 2, high: 3, urgent: 4 };

export const STATUSES = ['new', 'assigned', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'reopened'] as const;
export type TicketStatus = (typeof STATUSES)[number];

export const TYPES = ['question', 'incident', 'request', 'complaint', 'other'] as const;
export type TicketType = (typeof TYPES)[number];
