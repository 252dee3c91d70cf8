import { z } from 'zod';
import { PRIORITIES, STATUSES, TYPES } from './tickets.kinds.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalRef = z.uuid().nullable();

export const ticketRef = z.union([z.uuid(), z.string().regex(/^T-\d{6,}$/, 'a ticket id or number like T-000123')]);

export const createTicketBody = z.strictObject({
  title: text(200),
  description: z.string().max(20_000).default(''),
  type: z.enum(TYPES).default('question'),
  priority: z.enum(PRIORITIES).default('normal'),
  category: text(64).nullable().default(null),
  customerId: z.uuid(),
  callId: optionalRef.default(null),
  assigneeId: optionalRef.default(null),
  team: text(64).nullable().default(null),
});
export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const updateTicketBody = z
  .strictObject({
    title: text(200),
    description: z.string().max(20_000),
    type: z.enum(TYPES),
    priority: z.enum(PRIORITIES),
    category: text(64).nullable(),
    callId: optionalRef,
    assigneeId: optionalRef,
    team: text(64).nullable(),
    status: z.enum(STATUSES),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateTicketInput = z.infer<typeof updateTicketBody>;

/** The languages a reply e-mailed to the customer is framed in (app/tickets/tickets.mail.ts). */
export const MAIL_LOCALES = ['zh-CN', 'en'] as const;

export const commentBody = z
  .strictObject({
    body: text(20_000),
    visibility: z.enum(['internal', 'public']).default('internal'),
    /** Also e-mail this reply to the ticket's customer (a public comment only). */
    emailCustomer: z.boolean().default(false),
    /** The language of the e-mail's words around the reply. */
    emailLocale: z.enum(MAIL_LOCALES).default('zh-CN'),
  })
  .refine((b) => !b.emailCustomer || b.visibility === 'public', { path: ['emailCustomer'], message: 'only a public comment is e-mailed to the customer' });
export type CommentInput = z.infer<typeof commentBody>;

export const mergeBody = z.strictObject({ duplicate: ticketRef });

export const ticketParams = z.strictObject({ ticketId: ticketRef });
export const attachmentParams = z.strictObject({ ticketId: ticketRef, attachmentId: z.uuid() });

export const attachmentQuery = z.strictObject({
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .refine((n) => !/[\\/\u0000-\u001f]/.test(n), 'a file name without slashes or control characters'),
});

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(z.enum(values)).min(1));

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  status: csv(STATUSES).optional(),
  priority: csv(PRIORITIES).optional(),
  assignee: z.uuid().optional(),
  team: text(64).optional(),
  customer: z.uuid().optional(),
  escalated: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: text(100).optional(),
  sort: z.enum(['createdAt', 'updatedAt', 'priority', 'dueAt']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type ListQuery = z.infer<typeof listQuery>;

/** The people a ticket can be assigned to: `q` matches a username or display name. */
export const assigneesQuery = z.strictObject({
  q: text(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

export const customerParams = z.strictObject({ id: z.uuid() });

export const slaParams = z.strictObject({ priority: z.enum(PRIORITIES) });
export const slaBody = z.strictObject({
  firstResponseSeconds: z.number().int().min(1).max(365 * 86400),
  resolutionSeconds: z.number().int().min(1).max(365 * 86400),
}).refine((b) => b.resolutionSeconds >= b.firstResponseSeconds, 'resolutionSeconds must be at least firstResponseSeconds');
