// People on tickets by name: who may be assigned a ticket (the roles that may work tickets,
// the same roles that may change them), and the names the views carry next to the ids and
// usernames they store (assignee, comment authors, history actors).
import type { Person } from '../auth/auth.people.js';
import type { Role } from '../auth/permissions.js';
import type { TicketView } from './tickets.view.js';

/** The roles that may write tickets (tickets.http WRITE): they may assign, and be assigned. */
export const WORKER_ROLES = ['admin', 'supervisor', 'agent'] as const satisfies readonly Role[];

export const isWorker = (role: string): boolean => (WORKER_ROLES as readonly string[]).includes(role);

/** What the tickets module needs from the auth module's People (app/auth/auth.people.ts). */
export interface TicketPeople {
  namesByIds(ids: Iterable<string | null | undefined>): Promise<Map<string, string>>;
  namesByUsernames(usernames: Iterable<string | null | undefined>): Promise<Map<string, string>>;
  list(filter: { roles: readonly Role[]; q?: string; limit: number }): Promise<{ items: Person[]; total: number }>;
}

/** The views with their assignee's name (null: nobody, or an id that names no user). */
export async function withAssigneeNames(people: TicketPeople, views: TicketView[]): Promise<TicketView[]> {
  const names = await people.namesByIds(views.map((v) => v.assigneeId));
  return views.map((v) => ({ ...v, assigneeName: v.assigneeId ? (names.get(v.assigneeId) ?? null) : null }));
}

/** Actors other than users (`sla`, `api-key:<name>`) and users no longer there keep what is stored. */
export const nameOr = (names: Map<string, string>, stored: string): string => names.get(stored) ?? stored;
