import { z } from 'zod';

export const callListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  caller: z.string().min(1).max(64).optional(),
  /** 'hotline' (Hotline's own Asterisk) or an attached PBX's name. */
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a PBX name: hotline or an attached PBX').optional(),
});

export const callIdParams = z.object({ id: z.uuid() });
