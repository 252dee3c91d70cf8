// A report as .xlsx through the io module's sheet writer: the report's rows with the figures
// the API gives, a totals row where the report has one, and a sheet of the definitions used.
import { PassThrough, type Writable } from 'node:stream';
import { SheetWriter, type SheetColumn } from '../io/xlsx-writer.js';
import type { ExportQuery, ReportKind } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';

type Locale = 'zh-CN' | 'en';
type Row = Record<string, unknown>;
export interface Col { key: string; zh: string; en: string }

const FIG: Col[] = [
  { key: 'offered', zh: '进线', en: 'Offered' },
  { key: 'answered', zh: '接通', en: 'Answered' },
  { key: 'answeredInSl', zh: '服务水平内接通', en: 'Answered in SL' },
  { key: 'abandoned', zh: '放弃', en: 'Abandoned' },
  { key: 'abandonedShort', zh: '短时放弃', en: 'Short abandons' },
  { key: 'callbacks', zh: '预约回拨', en: 'Callbacks' },
  { key: 'overflowed', zh: '溢出', en: 'Overflowed' },
  { key: 'timeouts', zh: '超时离开', en: 'Timed out' },
  { key: 'serviceLevel', zh: '服务水平', en: 'Service level' },
  { key: 'abandonRate', zh: '放弃率', en: 'Abandon rate' },
  { key: 'asaSeconds', zh: 'ASA (秒)', en: 'ASA (s)' },
  { key: 'ahtSeconds', zh: 'AHT (秒)', en: 'AHT (s)' },
  { key: 'talkSeconds', zh: '通话 (秒)', en: 'Talk (s)' },
];

/** The satisfaction survey's figures of a queue or an agent (reports.service.ts satisfactionOf). */
const SATISFACTION: Col[] = [
  { key: 'surveyed', zh: '参评通话', en: 'Surveyed' },
  { key: 'surveyAnswered', zh: '作答数', en: 'Survey answers' },
  { key: 'csat', zh: '满意度', en: 'Satisfaction (CSAT)' },
  { key: 'averageScore', zh: '平均分', en: 'Average score' },
];

/** The agents' outbound calls (reports.service.ts outboundFigures). */
const OUTBOUND: Col[] = [
  { key: 'outboundCalls', zh: '外呼量', en: 'Outbound calls' },
  { key: 'outboundConnected', zh: '外呼接通', en: 'Outbound connected' },
  { key: 'outboundConnectRate', zh: '外呼接通率', en: 'Outbound connect rate' },
  { key: 'outboundTalkSeconds', zh: '外呼通话 (秒)', en: 'Outbound talk (s)' },
  { key: 'outboundAvgTalkSeconds', zh: '平均外呼通话 (秒)', en: 'Avg outbound talk (s)' },
];

const COLUMNS: Record<ReportKind, Col[]> = {
  summary: [{ key: 'period', zh: '时段', en: 'Period' }, ...FIG, ...OUTBOUND],
  queues: [{ key: 'queue', zh: '队列', en: 'Queue' }, { key: 'skillGroup', zh: '技能组', en: 'Skill group' }, { key: 'serviceLevelSeconds', zh: '服务水平阈值 (秒)', en: 'SL threshold (s)' }, ...FIG, ...SATISFACTION],
  agents: [
    { key: 'name', zh: '坐席', en: 'Agent' }, { key: 'agentId', zh: '坐席 ID', en: 'Agent id' }, { key: 'handled', zh: '接听', en: 'Calls' },
    { key: 'loggedInSeconds', zh: '登录 (秒)', en: 'Logged in (s)' }, { key: 'readySeconds', zh: '就绪 (秒)', en: 'Ready (s)' }, { key: 'breakSeconds', zh: '小休 (秒)', en: 'Break (s)' },
    { key: 'talkSeconds', zh: '通话 (秒)', en: 'Talk (s)' }, { key: 'holdSeconds', zh: '保持 (秒)', en: 'Hold (s)' }, { key: 'wrapupSeconds', zh: '话后处理 (秒)', en: 'Wrap-up (s)' },
    { key: 'ahtSeconds', zh: 'AHT (秒)', en: 'AHT (s)' }, { key: 'occupancy', zh: '占用率', en: 'Occupancy' },
    ...OUTBOUND,
    ...SATISFACTION,
  ],
  regions: [{ key: 'label', zh: '地区', en: 'Region' }, { key: 'offered', zh: '进线', en: 'Offered' }, { key: 'answered', zh: '接通', en: 'Answered' }, { key: 'abandoned', zh: '放弃', en: 'Abandoned' }, { key: 'serviceLevel', zh: '服务水平', en: 'Service level' }],
  dispositions: [{ key: 'queue', zh: '队列', en: 'Queue' }, { key: 'code', zh: '代码', en: 'Code' }, { key: 'label', zh: '小结', en: 'Disposition' }, { key: 'calls', zh: '通话数', en: 'Calls' }],
  heatmap: [
    { key: 'weekday', zh: '星期 (1=周一)', en: 'Weekday (1 = Monday)' }, { key: 'hour', zh: '小时', en: 'Hour' }, { key: 'offered', zh: '进线', en: 'Offered' },
    { key: 'answered', zh: '接通', en: 'Answered' }, { key: 'abandoned', zh: '放弃', en: 'Abandoned' }, { key: 'serviceLevel', zh: '服务水平', en: 'Service level' }, { key: 'abandonRate', zh: '放弃率', en: 'Abandon rate' },
  ],
  abandoned: [
    { key: 'at', zh: '时间', en: 'Time' }, { key: 'queue', zh: '队列', en: 'Queue' }, { key: 'callerNumber', zh: '号码', en: 'Number' }, { key: 'waitSeconds', zh: '等待 (秒)', en: 'Wait (s)' },
    { key: 'joinPosition', zh: '进线排位', en: 'Position joined' }, { key: 'abandonPosition', zh: '放弃时排位', en: 'Position abandoned' },
    { key: 'regionLabel', zh: '地区', en: 'Region' }, { key: 'callbackStatus', zh: '回拨状态', en: 'Callback' }, { key: 'callbackAt', zh: '回拨时间', en: 'Called back at' },
    { key: 'callbackBy', zh: '回拨客服', en: 'Called back by' },
  ],
};

const NAMES: Record<ReportKind, [string, string]> = {
  summary: ['通话报表', 'Call summary'], queues: ['技能组对比', 'Queue comparison'], agents: ['客服工作统计', 'Agent statistics'],
  regions: ['地域分布', 'Caller regions'], dispositions: ['小结统计', 'Dispositions'], abandoned: ['呼损列表', 'Abandoned calls'], heatmap: ['服务水平热力图', 'SL heat map'],
};

export function reportSheetName(kind: ReportKind, locale: Locale): string {
  return NAMES[kind][locale === 'zh-CN' ? 0 : 1];
}

function flatten(kind: ReportKind, item: Row): Row {
  if (kind !== 'abandoned') return item;
  const cb = item.callback as { status: string; endedAt: string | null; agentName?: string | null } | null;
  return { ...item, callbackStatus: cb?.status ?? '', callbackAt: cb?.endedAt ?? '', callbackBy: cb?.agentName ?? '' };
}

export async function writeReportXlsx(out: Writable, kind: ReportKind, report: { items: Row[]; total?: Row | number; skillGroups?: Row[]; definitions: { statements: Array<{ name: string; text: string }> } }, locale: Locale): Promise<number> {
  // The abandoned list's `total` is its row count, not a totals row.
  const total = report.total && typeof report.total === 'object' ? report.total : undefined;
  const after = kind === 'queues' && report.skillGroups?.length ? skillGroupRows(report.skillGroups, locale) : undefined;
  return writeSheetXlsx(out, reportSheetName(kind, locale), COLUMNS[kind], report.items.map((item) => flatten(kind, item)), total, report.definitions.statements, locale, after);
}

/**
 * The queue comparison's totals by skill group (each call once), as a section under the total:
 * an empty row, the section's header row (its title, then "Skill group", "Queues" and the
 * figures' headers in the columns of the queue table's figures), one row per skill group.
 */
function skillGroupRows(groups: Row[], locale: Locale): unknown[][] {
  const zh = locale === 'zh-CN';
  const head = (c: Col) => (zh ? c.zh : c.en);
  return [
    [],
    [zh ? '按技能组合计（每通一次）' : 'Totals by skill group (each call once)', zh ? '技能组' : 'Skill group', zh ? '队列' : 'Queues', ...FIG.map(head)],
    ...groups.map((g) => [zh ? '技能组合计' : 'Skill group total', g.skillGroup, (g.queues as string[]).join(zh ? '、' : ', '), ...FIG.map((c) => g[c.key] ?? null)]),
  ];
}

/** One sheet of rows (a column per key, headed in the reader's language), a totals row when given, rows after it when given, and the definitions sheet. */
export async function writeSheetXlsx(out: Writable, sheetName: string, cols: Col[], rows: Row[], total: Row | undefined, statements: Array<{ name: string; text: string }>, locale: Locale, after?: unknown[][]): Promise<number> {
  const columns: SheetColumn[] = cols.map((c) => ({ header: locale === 'zh-CN' ? c.zh : c.en }));
  const writer = new SheetWriter(out, sheetName, columns);
  for (const row of rows) {
    writer.add(cols.map((c) => row[c.key] ?? null));
    await writer.drain();
  }
  if (total) writer.add(cols.map((c, i) => (i === 0 ? (locale === 'zh-CN' ? '合计' : 'Total') : (total[c.key] ?? null))));
  for (const row of after ?? []) writer.add(row);
  writer.addSheet(locale === 'zh-CN' ? '口径说明' : 'Definitions', [[locale === 'zh-CN' ? '指标' : 'Figure', locale === 'zh-CN' ? '口径' : 'Definition'], ...statements.map((s) => [s.name, s.text])]);
  await writer.finish();
  return writer.rows;
}

/** The report of a kind with the export's filters (the abandoned list: every call of the range). */
export function buildReport(reports: ReportsService, kind: ReportKind, q: ExportQuery) {
  switch (kind) {
    case 'summary': return reports.summary(q);
    case 'queues': return reports.queues(q);
    case 'agents': return reports.agents(q);
    case 'regions': return reports.regions(q);
    case 'dispositions': return reports.dispositions(q);
    case 'abandoned': return allAbandoned(reports, q);
    case 'heatmap': return reports.heatmap(q);
  }
}

/** The export of the abandoned-call list holds every call of the range (read a page at a time, at most 100,000). */
async function allAbandoned(reports: ReportsService, q: ExportQuery) {
  const first = await reports.abandoned({ ...q, limit: 500, offset: 0 });
  const items = [...first.items];
  while (items.length < Math.min(first.total, 100_000)) {
    const page = await reports.abandoned({ ...q, limit: 500, offset: items.length });
    if (!page.items.length) break;
    items.push(...page.items);
  }
  return { ...first, items };
}

/** A report's .xlsx in memory (e-mail attachments). */
export async function reportXlsxBuffer(reports: ReportsService, kind: ReportKind, q: ExportQuery): Promise<Buffer> {
  const report = await buildReport(reports, kind, q);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', () => resolve());
    out.on('error', reject);
  });
  await writeReportXlsx(out, kind, report as never, q.locale);
  if (!out.writableEnded) out.end();
  await ended;
  return Buffer.concat(chunks);
}
