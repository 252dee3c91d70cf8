// Calibration sessions and sampling rules: shapes the API accepts.
import { z } from 'zod';

const username = z.string().trim().toLowerCase().min(1).max(128);
const evaluators = z.array(username).min(1).max(20).refine((a) => new Set(a).size === a.length, { message: 'an evaluator is named twice' });

export const calibrationBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  recordingId: z.uuid(),
  scorecardId: z.uuid(),
  /** Usernames of the supervisors and admins invited to score. */
  evaluators: evaluators.refine((a) => a.length >= 2, { message: 'a calibration needs at least two evaluators' }),
  /** Spread flag: standard deviation above this % of an item's full marks (total: points of 100). */
  threshold: z.number().min(0).max(100).default(15),
});

/** An evaluation inside a session: the session gives the recording and the card. */
export const calibrationEvaluationBody = z.strictObject({
  answers: z.record(z.string().regex(/^[a-z0-9_-]{1,40}$/), z.union([z.number().int().min(0).max(10), z.literal('na')])),
  comments: z.array(z.strictObject({ at: z.number().min(0).max(86_400), text: z.string().trim().min(1).max(1000) })).max(200).default([]),
  summary: z.string().trim().max(2000).default(''),
});

export const calibrationCloseBody = z.strictObject({
  /** The session evaluation that becomes the agent's official evaluation (none: no official one). */
  officialEvaluationId: z.uuid().nullable().default(null),
});

export const calibrationListQuery = z.strictObject({
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const samplingRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  queue: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Share of each agent's recorded calls per ISO week (rounded up). */
  percent: z.number().int().min(0).max(100),
  evaluators,
  scorecardId: z.uuid().nullable().default(null),
  dueDays: z.number().int().min(1).max(60).default(7),
  enabled: z.boolean().default(true),
});

export const samplingRunBody = z.strictObject({
  /** Sample the ISO weeks around this time (default now): its week and the one before. */
  at: z.coerce.date().optional(),
});

export const taskListQuery = z.strictObject({
  /** Only the asker's tasks (the default for everyone; supervisors and admins may ask for all with false). */
  mine: z.enum(['true', 'false']).default('true'),
  status: z.enum(['open', 'done', 'cancelled']).optional(),
  ruleId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
