// zod schemas of the fax API.
import { z } from 'zod';
import { INBOUND_STATUSES, OUTBOUND_STATUSES } from './fax.entities.js';

export const faxParams = z.strictObject({ id: z.uuid() });
export const faxListQuery = z.strictObject({
  direction: z.enum(['in', 'out']).optional(),
  /** An inbox: a queue's name ('' is the general inbox of the numbers). */
  queue: z.string().regex(/^[A-Za-z0-9_-]{0,64}$/, 'a queue name').optional(),
  status: z.enum([...new Set([...INBOUND_STATUSES, ...OUTBOUND_STATUSES])] as [string, ...string[]]).optional(),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const line = (max: number) => z.string().max(max).refine((v) => !/[\u0000-\u0008\u000b-\u001f]/.test(v), 'no control characters');
/** POST /api/fax/send: the document is the raw body; who, what and the cover page are query parameters. */
export const sendFaxQuery = z
  .strictObject({
    to: z.string().trim().min(1).max(32).optional(),
    customerId: z.uuid().optional(),
    subject: line(255).default(''),
    fileName: line(255).default('document'),
    /** A cover page (from, to, subject, pages, note) before the document. */
    cover: z.enum(['yes', 'no']).default('yes'),
    coverFrom: line(128).default(''),
    coverTo: line(128).default(''),
    coverNote: line(2000).default(''),
  })
  .refine((q) => q.to !== undefined || q.customerId !== undefined, 'give `to` (a fax number) or `customerId`');

/** GET /api/fax/:id/pages/:page — a page thumbnail (PNG). */
export const faxPageParams = z.strictObject({ id: z.uuid(), page: z.coerce.number().int().min(1).max(1000) });

/** PATCH /api/fax/:id — the console's work on a fax; null (or '') clears a link. */
export const faxWorkBody = z
  .strictObject({
    /** A username, '' = unassigned. */
    assignedTo: z.string().trim().max(128).optional(),
    customerId: z.uuid().nullable().optional(),
    /** A ticket's id or number (e.g. T-000123); null clears it. */
    ticketId: z.union([z.uuid(), z.string().regex(/^T-\d{6,}$/, 'a ticket id or number like T-000123')]).nullable().optional(),
  })
  .refine((b) => b.assignedTo !== undefined || b.customerId !== undefined || b.ticketId !== undefined, 'give assignedTo, customerId or ticketId');
