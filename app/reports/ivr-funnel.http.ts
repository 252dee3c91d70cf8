// The IVR funnel's routes: GET /api/reports/ivr (JSON) and GET /api/reports/ivr/export.xlsx.
// Registered before the other report routes (/reports/:kind/export.xlsx would take the export).
import { z } from 'zod';
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { flowName } from '../ivr/ivr.schemas.js';
import type { IvrFunnel } from './ivr-funnel.js';
import { writeSheetXlsx, type Col } from './reports.export.js';
import { dayFilterFields, LOCALES, reportTime } from './reports.schemas.js';
import { dayFilterText } from './report-windows.js';
import type { ReportsService } from './reports.service.js';

export const ivrFunnelQuery = z.strictObject({
  flow: flowName.describe('the IVR flow'),
  version: z.coerce.number().int().min(1).max(1_000_000).optional().describe('only the calls that ran this version of the flow (default: every version)'),
  from: reportTime,
  to: reportTime.describe('end of the range (exclusive); at most 31 days after from'),
  tz: z.string().min(1).max(64).default('UTC'),
  ...dayFilterFields,
  locale: z.enum(LOCALES).default('en'),
});

const READ = { allow: ['admin', 'supervisor'] } as const;
const EXPORT = { allow: ['admin', 'supervisor'], audit: 'export' } as const;

const COLS: Col[] = [
  { key: 'node', zh: '节点', en: 'Node' }, { key: 'name', zh: '名称', en: 'Name' }, { key: 'type', zh: '类型', en: 'Type' },
  { key: 'reached', zh: '到达', en: 'Reached' }, { key: 'continued', zh: '继续', en: 'Went on' },
  { key: 'hungUp', zh: '来电挂机', en: 'Hung up' }, { key: 'handedOff', zh: '转出', en: 'Passed on' }, { key: 'completed', zh: '流程结束', en: 'Flow finished' },
  { key: 'failed', zh: '失败', en: 'Failed' }, { key: 'inProgress', zh: '进行中', en: 'In progress' }, { key: 'dropRate', zh: '流失率', en: 'Drop rate' },
];

export function ivrFunnelRoutes(r: SecureRouter, reports: ReportsService, funnel: IvrFunnel): void {
  const run = async (q: z.infer<typeof ivrFunnelQuery>) => {
    // The reports' range rules (dates, timezone, order); the funnel reads calls, so 31 days at most.
    const range = await reports.range({ from: q.from, to: q.to, tz: q.tz, locale: q.locale, weekdays: q.weekdays, dayStart: q.dayStart, dayEnd: q.dayEnd }, 'hour');
    const f = await funnel.funnel(q.flow, range.windows, q.locale, q.version);
    const day = dayFilterText(range.day!, q.tz, q.locale);
    const filter = q.locale === 'zh-CN'
      ? { key: 'filter', name: '筛选条件', text: `${day}：只统计在这些时段开始的通话。` }
      : { key: 'filter', name: 'Filter', text: `${day[0]!.toUpperCase()}${day.slice(1)}: only calls that started in these hours count.` };
    return { from: range.from.toISOString(), to: range.to.toISOString(), tz: q.tz, ...f, statements: [...f.statements, filter] };
  };
  r.get('/reports/ivr', { ...READ, query: ivrFunnelQuery }, async (req, res) => {
    res.json(await run(input(req, 'query', ivrFunnelQuery)));
  });
  r.get('/reports/ivr/export.xlsx', { ...EXPORT, query: ivrFunnelQuery }, async (req, res) => {
    const q = input(req, 'query', ivrFunnelQuery);
    const f = await run(q);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', 'attachment; filename="report-ivr.xlsx"');
    const rows = f.nodes.map((n) => ({ ...n, ...n.ended }));
    await writeSheetXlsx(res, q.locale === 'zh-CN' ? 'IVR 漏斗' : 'IVR funnel', COLS, rows, { reached: f.calls, ...f.ended }, f.statements, q.locale);
  });
}
