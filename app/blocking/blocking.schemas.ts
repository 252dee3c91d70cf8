// zod schemas of the blocked-numbers API (docs/api/blocked-numbers.md).
import { z } from 'zod';
import { blockableNumber } from './blocking.rules.js';

export const blockParams = z.strictObject({ id: z.uuid() });

export const BLOCK_STATES = ['active', 'ended', 'all'] as const;

export const blockListQuery = z.strictObject({
  /** Digits (and a leading +): blocks whose number contains them. */
  q: z.string().regex(/^\+?\d{1,32}$/, 'digits, with a + in front at most (1–32)').optional(),
  state: z.enum(BLOCK_STATES).default('active'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** A phone number in any spelling, read into the stored form (at least 5 digits). */
const blockNumber = z
  .string()
  .max(64)
  .transform((raw, ctx) => {
    const r = blockableNumber(raw);
    if ('problem' in r) {
      ctx.addIssue({ code: 'custom', message: r.problem });
      return z.NEVER;
    }
    return r.number;
  });

export const blockLookupQuery = z.strictObject({ number: blockNumber });

const reason = z
  .string()
  .trim()
  .min(1, 'say why the number is blocked')
  .max(200)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'no control characters');

/** An ISO time with its offset, or null: permanent. */
const until = z.union([z.iso.datetime({ offset: true }).transform((s) => new Date(s)), z.null()]);

export const blockCreateBody = z.strictObject({
  number: blockNumber,
  reason,
  until: until.optional(),
});

export const blockPatchBody = z
  .strictObject({ reason: reason.optional(), until: until.optional() })
  .refine((b) => b.reason !== undefined || b.until !== undefined, { message: 'give reason or until' });
