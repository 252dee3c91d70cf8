// QA scorecards and evaluations: shapes the API accepts (a form validates exactly as this).
import { z } from 'zod';

const itemId = z.string().regex(/^[a-z0-9_-]{1,40}$/, 'item ids: lower-case letters, digits, _ and - (max 40)');
const weight = z.number().int().min(0).max(100);

export const scorecardItem = z.strictObject({
  id: itemId,
  text: z.string().trim().min(1).max(300),
  /** yesno: 1 yes / 0 no; scale: 0..max. */
  type: z.enum(['yesno', 'scale']),
  max: z.number().int().min(1).max(10).optional(),
  weight,
  /** Failing it (no, or 0) zeroes the whole card. */
  critical: z.boolean().default(false),
  /** May be answered N/A (then it does not count). */
  allowNa: z.boolean().default(false),
});

export const scorecardBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    /** The queue (skill group) the card scores; none: any. */
    queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).nullable().default(null),
    sections: z.array(z.strictObject({ title: z.string().trim().min(1).max(200), weight, items: z.array(scorecardItem).min(1).max(50) })).min(1).max(20),
  })
  .superRefine((c, ctx) => {
    const total = c.sections.reduce((s, x) => s + x.weight, 0);
    if (total !== 100) ctx.addIssue({ code: 'custom', path: ['sections'], message: `section weights add up to ${total}, not 100` });
    const seen = new Set<string>();
    c.sections.forEach((sec, si) => {
      const w = sec.items.reduce((s, i) => s + i.weight, 0);
      if (w !== 100) ctx.addIssue({ code: 'custom', path: ['sections', si, 'items'], message: `item weights of "${sec.title}" add up to ${w}, not 100` });
      sec.items.forEach((it, ii) => {
        if (seen.has(it.id)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'items', ii, 'id'], message: `item id ${it.id} appears twice` });
        seen.add(it.id);
        if (it.type === 'scale' && !it.max) ctx.addIssue({ code: 'custom', path: ['sections', si, 'items', ii, 'max'], message: 'a scale item needs max' });
        if (it.type === 'yesno' && it.max) ctx.addIssue({ code: 'custom', path: ['sections', si, 'items', ii, 'max'], message: 'a yes/no item has no max' });
      });
    });
  });
export type ScorecardDefinition = z.infer<typeof scorecardBody>;

export const evaluationBody = z
  .strictObject({
    recordingId: z.uuid().optional(),
    callId: z.uuid().optional(),
    scorecardId: z.uuid(),
    /** item id -> value (yes/no: 0 or 1; scale: 0..max) or "na". */
    answers: z.record(itemId, z.union([z.number().int().min(0).max(10), z.literal('na')])),
    /** Time-stamped comments on the recording. */
    comments: z.array(z.strictObject({ at: z.number().min(0).max(86_400), text: z.string().trim().min(1).max(1000) })).max(200).default([]),
    summary: z.string().trim().max(2000).default(''),
    /** Part of this calibration session (the recording is the session's; it does not count as the agent's evaluation unless picked). */
    calibrationId: z.uuid().optional(),
  })
  .refine((b) => !!b.recordingId !== !!b.callId || (!!b.calibrationId && !b.recordingId && !b.callId), { message: 'name the recording or the call (one of recordingId, callId)', path: ['recordingId'] });

export const disputeBody = z.strictObject({ comment: z.string().trim().min(1).max(2000) });
export const resolveBody = z.strictObject({ comment: z.string().trim().min(1).max(2000) });
export const qaIdParams = z.object({ id: z.uuid() });
export const evaluationListQuery = z.strictObject({
  agentId: z.uuid().optional(),
  recordingId: z.uuid().optional(),
  status: z.enum(['submitted', 'acknowledged', 'disputed', 'resolved']).optional(),
  /** The evaluations of this calibration session (otherwise only official evaluations are listed). */
  calibrationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const qaReportQuery = z.strictObject({ by: z.enum(['agent', 'queue', 'item']).default('agent'), from: z.coerce.date().optional(), to: z.coerce.date().optional() });
