import { z } from 'zod';

export const callListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  caller: z.string().min(1).max(64).optional(),
});

export const callIdParams = z.object({ id: z.uuid() });
