// zod schemas of the voicemail API.
import { z } from 'zod';
import { VOICEMAIL_STATUSES } from './voicemail.entities.js';

export const voicemailParams = z.strictObject({ id: z.uuid() });

export const voicemailListQuery = z
  .strictObject({
    /** A voicemail node's mailbox (exact). */
    mailbox: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a mailbox name: letters, digits, _ and - (max 64)').optional(),
    /** Default: new, heard and done (not recording, not empty). */
    status: z.enum(VOICEMAIL_STATUSES).optional(),
    /** Messages left at or after `from` and before `to` (ISO times or dates). */
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });

/** POST /api/voicemails/:id/done — what was done (optional). */
export const voicemailDoneBody = z.strictObject({
  note: z
    .string()
    .trim()
    .max(2000)
    .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(v), 'no control characters')
    .optional(),
});
