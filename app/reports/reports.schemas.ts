// The reports' query strings. Range rules (from < to, the longest range per interval, a known
// timezone, known queues and agents) are checked by the service, which knows the queues.
import { z } from 'zod';
import { INTERVALS } from './report-time.js';
import { DRILL_FIGURES } from './report-figures.js';

export const reportTime = z.string().min(1).max(40).describe("'YYYY-MM-DD' (midnight in tz) or an ISO instant with offset, e.g. 2026-12-03T08:00:00+08:00");
const list = (what: string, item: RegExp) =>
  z.string().max(4000).transform((s, ctx) => {
    const items = s.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = items.find((x) => !item.test(x));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `not a ${what}: ${bad.slice(0, 80)}` });
    return [...new Set(items)];
  }).describe(`comma-separated ${what}s`);

export const QUEUE_ITEM = /^[A-Za-z0-9_-]{1,64}$/;
export const AGENT_ITEM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SKILL_GROUP_ITEM = /^[^,]{1,64}$/;
export const WEEKDAY_ITEM = /^[1-7]$/;

export const LOCALES = ['zh-CN', 'en'] as const;

/** A local time of day on the 15-minute grid ('24:00' allowed; the service refuses it as a start). Scheduled reports take it too. */
export const dayTime = (what: string) => z.string().max(5).regex(/^(([01]\d|2[0-3]):(00|15|30|45)|24:00)$/, `${what}: a local time of day on a 15-minute boundary, HH:MM with minutes 00, 15, 30 or 45 (the reports count in 15-minute buckets)`);

/** The weekday and time-of-day filter (local to tz): every report with a time range takes it. */
export const dayFilterFields = {
  weekdays: list('weekday (1 = Monday … 7 = Sunday)', WEEKDAY_ITEM).optional(),
  dayStart: dayTime('dayStart').optional().describe("only calls from this local time of day on, e.g. '08:00'"),
  dayEnd: dayTime('dayEnd').optional().describe("only calls before this local time of day, e.g. '18:00' ('24:00': midnight)"),
};

const base = {
  from: reportTime,
  to: reportTime.describe('end of the range (exclusive), same forms as from'),
  tz: z.string().min(1).max(64).default('UTC'),
  queues: list('queue name', QUEUE_ITEM).optional(),
  skillGroups: list('skill group', SKILL_GROUP_ITEM).optional(),
  ...dayFilterFields,
  locale: z.enum(LOCALES).default('en'),
};

export const summaryQuery = z.strictObject({ ...base, interval: z.enum(INTERVALS).default('day') });
export const queuesQuery = z.strictObject(base);
export const agentsQuery = z.strictObject({ ...base, agents: list('agent id', AGENT_ITEM).optional() });
export const regionsQuery = z.strictObject({ ...base, level: z.enum(['province', 'city']).default('province') });
export const dispositionsQuery = z.strictObject(base);
export const fcrQuery = z.strictObject(base);
export const heatmapQuery = z.strictObject(base);
export const abandonedQuery = z.strictObject({
  ...base,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** The calls behind a figure: of the range, or of one period of the summary (`period` as the summary labels it, with its `interval`). */
export const callsQuery = z.strictObject({
  ...base,
  figure: z.enum(DRILL_FIGURES).describe('which figure: offered, answered, answeredInSl, answeredOutSl, abandoned, abandonedShort, callbacks, overflowed, timeouts'),
  period: z.string().min(4).max(20).optional().describe("a period label of the summary: '2026-12-03 14:00', '2026-12-03', a week's Monday, '2026-12'"),
  interval: z.enum(INTERVALS).default('day'),
  agents: list('agent id', AGENT_ITEM).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CallsQuery = z.infer<typeof callsQuery>;
export const REPORT_KINDS = ['summary', 'queues', 'agents', 'regions', 'dispositions', 'abandoned', 'heatmap'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const exportParams = z.object({ kind: z.enum(REPORT_KINDS) });
/** The export takes every filter of every report; each report reads the ones it has. */
export const exportQuery = z.strictObject({
  ...base,
  interval: z.enum(INTERVALS).default('day'),
  agents: list('agent id', AGENT_ITEM).optional(),
  level: z.enum(['province', 'city']).default('province'),
});

export type BaseQuery = z.infer<typeof queuesQuery>;
export type ExportQuery = z.infer<typeof exportQuery>;
