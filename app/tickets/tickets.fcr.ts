// What the reports' first-call resolution by tickets needs from the tickets: the tickets opened
// from a call in a range (merged duplicates left out), each with when it was first resolved or
// closed and whether it was ever reopened (read from the ticket's status history).
import { In, IsNull, Not, Between, type DataSource } from 'typeorm';
import { Ticket, TicketHistory } from './tickets.entities.js';

export interface TicketFromCall {
  ticketId: string;
  callId: string;
  openedAt: Date;
  firstResolvedAt: Date | null;
  reopened: boolean;
}

const CHUNK = 500;

export async function ticketsOpenedFromCalls(db: DataSource, from: Date, to: Date): Promise<TicketFromCall[]> {
  const tickets = await db.manager.find(Ticket, {
    where: { callId: Not(IsNull()), mergedIntoId: IsNull(), createdAt: Between(from, new Date(to.getTime() - 1)) },
    select: { id: true, callId: true, createdAt: true },
  });
  const out = new Map<string, TicketFromCall>(tickets.map((t) => [t.id, { ticketId: t.id, callId: t.callId!, openedAt: t.createdAt, firstResolvedAt: null, reopened: false }]));
  const ids = [...out.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.manager.find(TicketHistory, { where: { ticketId: In(ids.slice(i, i + CHUNK)), field: 'status' }, select: { ticketId: true, at: true, newValue: true } });
    for (const h of rows) {
      const t = out.get(h.ticketId)!;
      if (h.newValue === 'reopened') t.reopened = true;
      if ((h.newValue === 'resolved' || h.newValue === 'closed') && (!t.firstResolvedAt || h.at < t.firstResolvedAt)) t.firstResolvedAt = h.at;
    }
  }
  return [...out.values()];
}
