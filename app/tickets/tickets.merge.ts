// Merging a duplicate: B is closed with merged_into = A and its SLA jobs cancelled; A shows
// B's comments, attachments and history (TicketsService.family). Both histories say so.
import type { EntityManager } from 'typeorm';
import { Ticket } from './tickets.entities.js';
import { MergeNotAllowedError, TicketMergedError, UnknownReferenceError } from './tickets.errors.js';
import type { TicketsService } from './tickets.service.js';
import { recordHistory, type Change } from './tickets.view.js';
import { NotFoundError } from '../errors.js';

export async function mergeTickets(tickets: TicketsService, targetRef: string, duplicateRef: string, actor: string) {
  const merged = await tickets.sla.db.transaction(async (m: EntityManager) => {
    const target = await tickets.find(targetRef, m, true);
    const dup = await tickets.find(duplicateRef, m, true).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new UnknownReferenceError('ticket', duplicateRef) : err;
    });
    if (target.id === dup.id) throw new MergeNotAllowedError('a ticket cannot be merged into itself', 'self', dup.number);
    if (target.mergedIntoId) throw new TicketMergedError(target.number, (await tickets.find(target.mergedIntoId, m)).number);
    if (dup.mergedIntoId) throw new MergeNotAllowedError(`ticket ${dup.number} is already merged into another ticket`, 'already_merged', dup.number);
    if (dup.customerId !== target.customerId) throw new MergeNotAllowedError(`ticket ${dup.number} belongs to another customer than ${target.number}`, 'other_customer', dup.number);
    const now = new Date();
    await tickets.sla.cancel(dup.id, 'first_response', m);
    await tickets.sla.cancel(dup.id, 'resolution', m);
    await m.update(Ticket, { id: dup.id }, { mergedIntoId: target.id, status: 'closed', closedAt: dup.closedAt ?? now, dueAt: null, updatedAt: now });
    await recordHistory(m, dup.id, actor, now, [
      ['merged_into', null, target.number],
      ...(dup.status === 'closed' ? [] : [['status', dup.status, 'closed'] as [string, string, string]]),
    ]);
    await m.update(Ticket, { id: target.id }, { updatedAt: now });
    await recordHistory(m, target.id, actor, now, [['merged', null, dup.number]]);
    const dupChanges: Change[] = [['merged_into', null, target.number], ...(dup.status === 'closed' ? [] : [['status', dup.status, 'closed'] as Change])];
    return { view: await tickets.view(await tickets.find(target.id, m), m), dup: { id: dup.id, number: dup.number, changes: dupChanges }, now };
  });
  const view = await tickets.named(merged.view);
  tickets.notify({ type: 'updated', ticketId: merged.dup.id, changes: merged.dup.changes, actor, at: merged.now });
  tickets.notify({ type: 'updated', ticketId: view.id, ticket: view, changes: [['merged', null, merged.dup.number]], actor, at: merged.now });
  return view;
}
