import { z } from 'zod';

export const recordingIdParams = z.object({ id: z.uuid() });
export const recordingAgentParams = z.object({ agentId: z.uuid() });

export const audioQuery = z.strictObject({
  leg: z.enum(['mixed', 'caller', 'agent']).default('mixed'),
  /** ogg: the stored audio, streamed with Range; wav / mp3: a download converted on the fly. */
  format: z.enum(['ogg', 'wav', 'mp3']).default('ogg'),
});

/** The console player's ticket: one leg of one recording. */
export const playBody = z.strictObject({ leg: z.enum(['mixed', 'caller', 'agent']).default('mixed') });
export const streamQuery = z.strictObject({ ticket: z.string().min(10).max(2000) });

export const recordingListQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    agentId: z.uuid().optional(),
    callId: z.uuid().optional(),
    /** The customer's number (exact). */
    number: z.string().regex(/^\+?[0-9*#]{1,64}$/, 'a phone number').optional(),
    customerId: z.uuid().optional(),
    minSeconds: z.coerce.number().min(0).max(86_400).optional(),
    maxSeconds: z.coerce.number().min(0).max(86_400).optional(),
    status: z.enum(['recording', 'stored', 'failed', 'purged']).optional(),
    /** Recordings carrying this flag (silence, long_silence, talk_over, agent_quiet, agent_dominates, keyword). */
    flag: z.string().regex(/^[a-z_]{1,32}$/, 'a flag name').optional(),
    flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .refine((q) => q.minSeconds === undefined || q.maxSeconds === undefined || q.minSeconds <= q.maxSeconds, { message: 'minSeconds must not exceed maxSeconds', path: ['minSeconds'] });

export const liveRecordingBody = z.strictObject({ action: z.enum(['start', 'pause', 'resume']) });

export const holdBody = z.strictObject({
  kind: z.enum(['call', 'customer']),
  /** call: the call record id; customer: the customer's CRM id or phone number. */
  target: z.string().trim().regex(/^([0-9a-fA-F-]{36}|\+?[0-9]{3,32})$/, 'a call or customer id, or a phone number'),
  reason: z.string().trim().min(1).max(255),
});
export const holdIdParams = z.object({ id: z.uuid() });

/** A keyword to spot in recordings: an English phrase (checked against the recogniser's dictionary by the service). */
export const keywordBody = z.strictObject({
  phrase: z.string().max(200),
  /** The queue whose recordings are searched; omitted or null: every queue. */
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name').nullable().optional(),
  /** The leg listened to: the agent's, the caller's, or both. */
  leg: z.enum(['agent', 'caller', 'both']).default('both'),
  /** pocketsphinx's detection threshold: smaller finds more (and more false hits). Default 1e-30. */
  threshold: z.number().min(1e-60).max(1e-1).optional(),
});
export const keywordListQuery = z.strictObject({ queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name').optional() });
export const keywordIdParams = z.object({ id: z.uuid() });
