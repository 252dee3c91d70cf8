// JSON views of tickets and their parts, and the history writer.
import type { CommentMailView } from './tickets.mail.js';
import type { EntityManager } from 'typeorm';
import { Ticket, TicketHistory, type TicketAttachment, type TicketComment } from './tickets.entities.js';
import { nameOr } from './tickets.people.js';

export type Change = [field: string, oldValue: unknown, newValue: unknown];

const str = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

/** One history row per change (actor, at, field, old, new). */
export async function recordHistory(m: EntityManager, ticketId: string, actor: string, at: Date, changes: Change[]): Promise<void> {
  if (!changes.length) return;
  await m.insert(
    TicketHistory,
    changes.map(([field, o, n]) => ({ ticketId, actor, at, field, oldValue: str(o), newValue: str(n) })),
  );
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function ticketView(t: Ticket, extra: { mergedInto?: string | null; merged?: string[] } = {}) {
  return {
    id: t.id,
    number: t.number,
    title: t.title,
    description: t.description,
    type: t.type,
    priority: t.priority,
    category: t.category,
    customerId: t.customerId,
    callId: t.callId,
    assigneeId: t.assigneeId,
    /** The assignee's display name (else username); filled by withAssigneeNames. */
    assigneeName: null as string | null,
    team: t.team,
    status: t.status,
    escalationLevel: Number(t.escalationLevel),
    escalatedAt: iso(t.escalatedAt),
    sla: {
      firstResponseDueAt: iso(t.firstResponseDueAt),
      firstRespondedAt: iso(t.firstRespondedAt),
      resolutionDueAt: iso(t.resolutionDueAt),
      resolvedAt: iso(t.resolvedAt),
    },
    dueAt: iso(t.dueAt),
    closedAt: iso(t.closedAt),
    mergedInto: extra.mergedInto ?? null,
    merged: extra.merged ?? [],
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
export type TicketView = ReturnType<typeof ticketView>;

/** Display names by username (users; other actors keep their stored name). */
type Names = Map<string, string>;
const none: Names = new Map();

/** A comment; `email` when it was e-mailed to the customer (to whom, and how that went). */
export function commentView(c: TicketComment, ticketNumber: string, names: Names = none, email: CommentMailView | null = null) {
  return { id: c.id, ticketNumber, author: c.author, authorName: nameOr(names, c.author), visibility: c.visibility, body: c.body, createdAt: c.createdAt.toISOString(), email };
}

export function attachmentView(a: TicketAttachment, ticketNumber: string) {
  return { id: a.id, ticketNumber, fileName: a.fileName, contentType: a.contentType, sizeBytes: Number(a.sizeBytes), sha256: a.sha256, uploadedBy: a.uploadedBy, createdAt: a.createdAt.toISOString() };
}

/** A history entry; an assignee change also names the people (`oldName`/`newName`, by user id). */
export function historyView(h: TicketHistory, ticketNumber: string, names: { byUsername: Names; byId: Names } = { byUsername: none, byId: none }) {
  const person = (id: string | null) => (h.field === 'assigneeId' && id ? (names.byId.get(id) ?? null) : null);
  return { ticketNumber, actor: h.actor, actorName: nameOr(names.byUsername, h.actor), at: h.at.toISOString(), field: h.field, old: h.oldValue, new: h.newValue, oldName: person(h.oldValue), newName: person(h.newValue) };
}
