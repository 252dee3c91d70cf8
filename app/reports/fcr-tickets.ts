// First-call resolution by tickets (issue 14): of the tickets opened from a call, the share
// resolved on that first contact. Pure: the service reads the tickets and calls, this decides.
//
// A ticket opened from a call (its call is linked; merged duplicates are left out) falls in
// exactly one class, judged now:
//   reopened        it was reopened at least once (the customer's problem came back)
//   stillOpen       never resolved or closed so far
//   repeatContact   resolved, but the customer's number called again after the ticket's call
//                   and before the ticket was first resolved or closed
//   firstContact    the rest: resolved (or closed) with no further call from the number, never reopened
// FCR by tickets = firstContact ÷ opened (tickets still open count as not resolved on first contact).

export interface TicketContact {
  ticketId: string;
  /** The linked call: its id, the caller's number ('' anonymous) and when it started (Unix ms). */
  callId: string;
  callerNumber: string;
  callAt: number;
  /** When the ticket was first resolved or closed (Unix ms), null: never. */
  firstResolvedAt: number | null;
  reopened: boolean;
}

/** An inbound call of the center (any flow or queue). */
export interface ContactCall {
  id: string;
  callerNumber: string;
  at: number;
}

export type TicketFcrClass = 'firstContact' | 'repeatContact' | 'reopened' | 'stillOpen';

export interface TicketFcrResult {
  opened: number;
  resolvedFirstContact: number;
  resolvedAfterRepeatContact: number;
  reopened: number;
  stillOpen: number;
  rate: number | null;
}

/** The class of one ticket given the calls of its number (calls of other numbers are ignored). */
export function classifyTicket(t: TicketContact, calls: ContactCall[]): TicketFcrClass {
  if (t.reopened) return 'reopened';
  if (t.firstResolvedAt === null) return 'stillOpen';
  const again = t.callerNumber !== '' && calls.some((c) => c.callerNumber === t.callerNumber && c.id !== t.callId && c.at > t.callAt && c.at < t.firstResolvedAt!);
  return again ? 'repeatContact' : 'firstContact';
}

export function ticketFirstContactResolution(tickets: TicketContact[], calls: ContactCall[]): TicketFcrResult {
  const byNumber = new Map<string, ContactCall[]>();
  for (const c of calls) if (c.callerNumber) byNumber.set(c.callerNumber, [...(byNumber.get(c.callerNumber) ?? []), c]);
  const n: Record<TicketFcrClass, number> = { firstContact: 0, repeatContact: 0, reopened: 0, stillOpen: 0 };
  for (const t of tickets) n[classifyTicket(t, byNumber.get(t.callerNumber) ?? [])] += 1;
  const opened = tickets.length;
  return {
    opened,
    resolvedFirstContact: n.firstContact,
    resolvedAfterRepeatContact: n.repeatContact,
    reopened: n.reopened,
    stillOpen: n.stillOpen,
    rate: opened ? Math.round((n.firstContact / opened) * 10_000) / 10_000 : null,
  };
}
