// Scheduled report delivery: the request bodies. The console's form validates with these too.
import { z } from 'zod';
import { FREQUENCIES } from './schedule-time.js';
import { LOCALES, QUEUE_ITEM, REPORT_KINDS } from './reports.schemas.js';

const email = z.string().trim().max(254).regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$|^[^\s@<>,;"]+@localhost$/, 'not an e-mail address');

const fields = {
  name: z.string().trim().min(1).max(100),
  frequency: z.enum(FREQUENCIES),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day 'HH:MM' (24 h)"),
  weekday: z.number().int().min(1).max(7).nullable().default(null).describe('1 = Monday … 7 = Sunday; weekly schedules only'),
  tz: z.string().min(1).max(64).default('Asia/Shanghai'),
  reports: z.array(z.enum(REPORT_KINDS)).min(1).max(REPORT_KINDS.length).describe('one .xlsx attached per report'),
  queues: z.array(z.string().regex(QUEUE_ITEM)).max(200).nullable().default(null).describe('null: all queues'),
  locale: z.enum(LOCALES).default('zh-CN'),
  recipients: z.array(email).min(1).max(20),
  enabled: z.boolean().default(true),
};

const weekdayRule = (v: { frequency: string; weekday: number | null }, ctx: z.RefinementCtx) => {
  if (v.frequency === 'weekly' && v.weekday === null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly schedule needs a weekday (1 = Monday … 7 = Sunday)' });
  if (v.frequency === 'daily' && v.weekday !== null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a daily schedule has no weekday' });
};

export const scheduleBody = z.strictObject(fields).superRefine(weekdayRule);
export type ScheduleBody = z.infer<typeof scheduleBody>;
export const scheduleParams = z.object({ id: z.uuid() });
