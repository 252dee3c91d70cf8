import { z } from 'zod';
import { CALL_OUTCOMES } from './calls.outcomes.js';

/** A number as a PBX reports it (a caller may be "anonymous"): exact match. */
const number = z.string().min(1).max(64);
/** The start of a number: digits, a + first at most (so nothing LIKE reads as a wildcard). The Calls page takes a caller that fits as a callerPrefix. */
export const NUMBER_START = /^\+?[0-9]{1,63}$/;
const name = (what: string) => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, `a ${what} name: letters, digits, _ and - (max 64)`);

export const callListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** Calls started at or after `from` and before `to` (ISO times or dates); `from` after `to` is 400 calls_range_inverted. */
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  caller: number.optional(),
  /** Callers whose number starts with these digits (optionally after +): "138" finds 13800138000. */
  callerPrefix: z.string().regex(NUMBER_START, 'the start of a number: digits, optionally after +').optional(),
  /** The number the caller dialled (exact). */
  called: number.optional(),
  outcome: z.enum(CALL_OUTCOMES).optional(),
  /** The queue the caller waited in. */
  queue: name('queue').optional(),
  /** The Hotline agent who answered. */
  agentId: z.uuid().optional(),
  /** The IVR flow the call ran. */
  flow: name('flow').optional(),
  /** 'hotline' (Hotline's own Asterisk) or an attached PBX's name. */
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a PBX name: hotline or an attached PBX').optional(),
});

export const callIdParams = z.object({ id: z.uuid() });
