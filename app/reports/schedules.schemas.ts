// Scheduled report delivery: the request bodies. The console's form validates with these too.
import { z } from 'zod';
import { FREQUENCIES } from './schedule-time.js';
import { dayRangeProblem } from './report-windows.js';
import { dayTime, LOCALES, QUEUE_ITEM, REPORT_KINDS, SKILL_GROUP_ITEM } from './reports.schemas.js';

const email = z.string().trim().max(254).regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$|^[^\s@<>,;"]+@localhost$/, 'not an e-mail address');

const fields = {
  name: z.string().trim().min(1).max(100),
  frequency: z.enum(FREQUENCIES),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day 'HH:MM' (24 h)"),
  weekday: z.number().int().min(1).max(7).nullable().default(null).describe('1 = Monday … 7 = Sunday; weekly schedules only'),
  tz: z.string().min(1).max(64).default('Asia/Shanghai'),
  reports: z.array(z.enum(REPORT_KINDS)).min(1).max(REPORT_KINDS.length).describe('one .xlsx attached per report'),
  queues: z.array(z.string().regex(QUEUE_ITEM)).max(200).nullable().default(null).describe('null: all queues'),
  /** The reports' filters (docs/reports.md "Filters"), applied to every attached report and the mail's totals. */
  weekdays: z.array(z.number().int().min(1, 'a weekday: 1 = Monday … 7 = Sunday').max(7, 'a weekday: 1 = Monday … 7 = Sunday')).min(1).max(7).nullable().default(null).describe('ISO weekdays counted, local to tz (1 = Monday … 7 = Sunday); null: every day'),
  dayStart: dayTime('dayStart').nullable().default(null).describe("only calls from this local time of day on, 'HH:MM' on a 15-minute boundary; null: 00:00"),
  dayEnd: dayTime('dayEnd').nullable().default(null).describe("only calls before this local time of day ('24:00': midnight); null: 24:00"),
  skillGroups: z.array(z.string().regex(SKILL_GROUP_ITEM, 'a skill group: 1-64 characters without commas')).min(1).max(50).nullable().default(null).describe("the queues whose setting skillGroup is one of these (with queues: the intersection); null: no skill-group filter"),
  locale: z.enum(LOCALES).default('zh-CN'),
  recipients: z.array(email).min(1).max(20),
  enabled: z.boolean().default(true),
};

const weekdayRule = (v: { frequency: string; weekday: number | null }, ctx: z.RefinementCtx) => {
  if (v.frequency === 'weekly' && v.weekday === null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a weekly schedule needs a weekday (1 = Monday … 7 = Sunday)' });
  if (v.frequency === 'daily' && v.weekday !== null) ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a daily schedule has no weekday' });
};

/** The time-of-day filter, checked as the reports check it (one rule, report-windows.ts). */
const dayRule = (v: { dayStart: string | null; dayEnd: string | null }, ctx: z.RefinementCtx) => {
  const problem = dayRangeProblem(v.dayStart, v.dayEnd);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message });
};

export const scheduleBody = z.strictObject(fields).superRefine((v, ctx) => {
  weekdayRule(v, ctx);
  dayRule(v, ctx);
});
export type ScheduleBody = z.infer<typeof scheduleBody>;
export const scheduleParams = z.object({ id: z.uuid() });
