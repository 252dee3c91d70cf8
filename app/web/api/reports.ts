// The reports API as the console uses it (GET /api/reports/*), and the .xlsx export as a download.
import { api, download } from './client';

export const REPORT_TABS = ['summary', 'queues', 'agents', 'regions', 'dispositions', 'abandoned', 'heatmap'] as const;
export type ReportTab = (typeof REPORT_TABS)[number];

export interface ReportFilter {
  from: string;
  to: string;
  tz: string;
  queues: string[];
  /** Skill groups (the queues' `skillGroup`): their queues, intersected with `queues`. */
  skillGroups: string[];
  /** ISO weekdays (1 = Monday … 7); none: every day. */
  weekdays: number[];
  /** Local times of day 'HH:MM' on 15-minute boundaries; '': the whole day. */
  dayStart: string;
  dayEnd: string;
  interval: 'hour' | 'day' | 'week' | 'month';
  locale: 'zh-CN' | 'en';
}

/** The weekday and time-of-day filter as query parameters (every report with a range takes them). */
function dayParams(f: ReportFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.weekdays.length && f.weekdays.length < 7) q.weekdays = [...f.weekdays].sort().join(',');
  if (f.dayStart) q.dayStart = f.dayStart;
  if (f.dayEnd) q.dayEnd = f.dayEnd;
  return q;
}

export interface Statement { key: string; name: string; text: string }
export interface ReportBody {
  items: Array<Record<string, any>>;
  /** A totals row; the abandoned list: its row count. */
  total?: Record<string, any> | number;
  /** The heat map: what one cell holds, in the reader's language. */
  cellDefinition?: string;
  /** The queue comparison: a total per skill group. */
  skillGroups?: Array<Record<string, any> & { skillGroup: string; queues: string[] }>;
  definitions: { statements: Statement[] };
}

function query(tab: ReportTab, f: ReportFilter): Record<string, string> {
  const q: Record<string, string> = { from: f.from, to: f.to, tz: f.tz, locale: f.locale, ...dayParams(f) };
  if (f.queues.length) q.queues = f.queues.join(',');
  if (f.skillGroups.length) q.skillGroups = f.skillGroups.join(',');
  if (tab === 'summary') q.interval = f.interval;
  if (tab === 'abandoned') q.limit = '200';
  return q;
}

/** GET /api/reports/fcr: by the repeat-caller window, and by tickets (null when the server has no tickets). */
export interface FcrBody {
  repeatWindowHours: number;
  answered: number;
  resolved: number;
  rate: number | null;
  byTickets: { opened: number; resolvedFirstContact: number; resolvedAfterRepeatContact: number; reopened: number; stillOpen: number; rate: number | null } | null;
  definitions: { statements: Statement[] };
}

export interface FunnelNode {
  node: string;
  type: string | null;
  name: string | null;
  reached: number;
  continued: number;
  dropRate: number | null;
  ended: { hungUp: number; handedOff: number; completed: number; failed: number; inProgress: number };
}
export interface FunnelBody { flow: string; calls: number; nodes: FunnelNode[]; statements: Statement[] }

const funnelQuery = (flow: string, f: ReportFilter) => ({ flow, from: f.from, to: f.to, tz: f.tz, locale: f.locale, ...dayParams(f) });

/** Downloads an .xlsx the server builds (the server's 4xx message on refusal). */
export interface DrillItem {
  id: string; at: string; queue: string; callerNumber: string; outcome: string; waitSeconds: number; talkSeconds: number;
  holdSeconds: number; wrapupSeconds: number; agentName: string | null; regionLabel: string; overflowTo: string | null; callId: string | null;
}
export interface DrillBody { total: number; items: DrillItem[] }
export interface DrillTarget { figure: string; period?: string; queue?: string }

export const reportsApi = {
  /** The calls behind a figure: of a period of the summary, or of a queue of the comparison. */
  calls: (f: ReportFilter, d: DrillTarget, offset: number) => {
    const q: Record<string, string> = { from: f.from, to: f.to, tz: f.tz, locale: f.locale, figure: d.figure, limit: '100', offset: String(offset), ...dayParams(f) };
    const queues = d.queue ? [d.queue] : f.queues;
    if (queues.length) q.queues = queues.join(',');
    if (f.skillGroups.length) q.skillGroups = f.skillGroups.join(',');
    if (d.period) {
      q.period = d.period;
      q.interval = f.interval;
    }
    return api.get<DrillBody>('/api/reports/calls', q);
  },
  fcr: (f: ReportFilter) => {
    const q: Record<string, string> = { from: f.from, to: f.to, tz: f.tz, locale: f.locale };
    if (f.queues.length) q.queues = f.queues.join(',');
    return api.get<FcrBody>('/api/reports/fcr', q);
  },
  get: (tab: ReportTab, f: ReportFilter) => api.get<ReportBody>(`/api/reports/${tab}`, query(tab, f)),
  flows: () => api.get<{ items: Array<{ name: string; publishedVersion: number | null }> }>('/api/ivr/flows'),
  funnel: (flow: string, f: ReportFilter) => api.get<FunnelBody>('/api/reports/ivr', funnelQuery(flow, f)),
  exportFunnel: (flow: string, f: ReportFilter) => download('/api/reports/ivr/export.xlsx', funnelQuery(flow, f), `report-ivr-${flow}.xlsx`),
  queues: () => api.get<{ items: Array<{ name: string; settings?: { skillGroup?: string } }> }>('/api/acd/queues'),
  /** Asks for a callback to an abandoned caller in the queue they left (the callback API: it checks number and queue). */
  callBack: (queue: string, number: string) => api.post<{ id: string; status: string }>('/api/acd/callbacks', { queue, number }),
  /** Downloads the report as .xlsx (the server's 4xx message on refusal). */
  export(tab: ReportTab, f: ReportFilter): Promise<void> {
    const q = query(tab, f);
    delete q.limit;
    return download(`/api/reports/${tab}/export.xlsx`, q, `report-${tab}.xlsx`);
  },
};
