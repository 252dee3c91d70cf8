// The Satisfaction view's filters (Reports, /reports?view=satisfaction&from=&to=&groupBy=&queue=&survey=),
// pure so that they are unit-tested: read from the address and written back, and the window the
// survey API takes (ISO times with offset; days picked are whole local days, `to` included).
import type { ReportGroup, SurveyWindow } from '../../api/survey-types.js';

export const GROUPS: readonly ReportGroup[] = ['queue', 'agent', 'survey', 'day'];

export interface SatisfactionFilter {
  /** Local days YYYY-MM-DD, both included. */
  from: string;
  to: string;
  groupBy: ReportGroup;
  queue: string;
  survey: string;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
export const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const midnight = (day: string, plus = 0) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plus);
};

/** The last 7 days, today included, by queue. */
export function defaultFilter(now: Date): SatisfactionFilter {
  return { from: dayOf(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 6)), to: dayOf(now), groupBy: 'queue', queue: '', survey: '' };
}

type Query = Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function filterFromQuery(q: Query, now: Date): SatisfactionFilter {
  const d = defaultFilter(now);
  const from = DAY_RE.test(text(q.from)) ? text(q.from) : d.from;
  const to = DAY_RE.test(text(q.to)) ? text(q.to) : d.to;
  const groupBy = (GROUPS as readonly string[]).includes(text(q.groupBy)) ? (text(q.groupBy) as ReportGroup) : d.groupBy;
  return { from, to, groupBy, queue: text(q.queue), survey: text(q.survey) };
}

/** The address of the view with these filters (the defaults left out, except the days). */
export function filterToQuery(f: SatisfactionFilter): Record<string, string> {
  const q: Record<string, string> = { view: 'satisfaction', from: f.from, to: f.to };
  if (f.groupBy !== 'queue') q.groupBy = f.groupBy;
  if (f.queue) q.queue = f.queue;
  if (f.survey) q.survey = f.survey;
  return q;
}

/** The API's window: from the first day's local midnight to the midnight after the last day. */
export function windowOf(f: SatisfactionFilter): SurveyWindow {
  const w: SurveyWindow = { from: midnight(f.from).toISOString(), to: midnight(f.to, 1).toISOString() };
  if (f.queue) w.queue = f.queue;
  if (f.survey) w.survey = f.survey;
  return w;
}

/** The window of one row of the report: its queue, agent, survey or day within the view's window. */
export function rowWindow(f: SatisfactionFilter, key: string): SurveyWindow {
  const w = windowOf(f);
  if (f.groupBy === 'queue') w.queue = key;
  else if (f.groupBy === 'survey') w.survey = key;
  else if (f.groupBy === 'agent' && key) w.agentId = key;
  else if (f.groupBy === 'day' && DAY_RE.test(key)) {
    const from = midnight(key).toISOString();
    const to = midnight(key, 1).toISOString();
    if (from > w.from) w.from = from;
    if (to < w.to) w.to = to;
  }
  return w;
}
