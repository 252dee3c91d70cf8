// Attachments: the content type is decided by the bytes (a declared type must agree), the
// SHA-256 is stored with them, and the upload is one transaction with its history entry.
import { createHash, randomUUID } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import { TicketAttachment, TicketAttachmentData } from './tickets.entities.js';
import { AttachmentTypeError, TicketMergedError } from './tickets.errors.js';
import type { TicketsService } from './tickets.service.js';
import { ALLOWED_TYPES, sniff } from './tickets.sniff.js';
import { attachmentView, recordHistory } from './tickets.view.js';

/** Types that say nothing about the content: the bytes decide. */
const VAGUE = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

export function checkContentType(declared: string | undefined, content: Buffer): string {
  const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  const found = sniff(content);
  if (!found) throw new AttachmentTypeError(`the file is not one of the allowed kinds (${ALLOWED_TYPES.join(', ')})`);
  if (VAGUE.has(type)) return found.types[0]!;
  if (!found.types.includes(type)) throw new AttachmentTypeError(`the content is ${found.kind} (${found.types[0]}), not ${type}`);
  return type;
}

export async function addAttachment(tickets: TicketsService, ref: string, input: { fileName: string; contentType: string | undefined; content: Buffer }, actor: string) {
  const contentType = checkContentType(input.contentType, input.content);
  return tickets.sla.db.transaction(async (m) => {
    const t = await tickets.find(ref, m, true);
    if (t.mergedIntoId) throw new TicketMergedError(t.number, (await tickets.find(t.mergedIntoId, m)).number);
    const now = new Date();
    const a = m.create(TicketAttachment, {
      id: randomUUID(),
      ticketId: t.id,
      fileName: input.fileName,
      contentType,
      sizeBytes: input.content.length,
      sha256: createHash('sha256').update(input.content).digest('hex'),
      uploadedBy: actor,
      createdAt: now,
    });
    await m.insert(TicketAttachment, a);
    await m.insert(TicketAttachmentData, { attachmentId: a.id, content: input.content });
    await recordHistory(m, t.id, actor, now, [['attachment', null, `${a.fileName} (${a.sizeBytes} bytes, sha256 ${a.sha256})`]]);
    return attachmentView(a, t.number);
  });
}

/** One attachment of the ticket or of a ticket merged into it, with its bytes. */
export async function readAttachment(tickets: TicketsService, ref: string, attachmentId: string) {
  const t = await tickets.find(ref);
  const fam = await tickets.family(t);
  const m = tickets.sla.db.manager;
  const a = await m.findOne(TicketAttachment, { where: { id: attachmentId } });
  if (!a || !fam.has(a.ticketId)) throw new NotFoundError('attachment', attachmentId);
  const data = await m.findOne(TicketAttachmentData, { where: { attachmentId } });
  if (!data) throw new NotFoundError('attachment', attachmentId);
  return { meta: attachmentView(a, fam.get(a.ticketId)!), content: Buffer.from(data.content) };
}
