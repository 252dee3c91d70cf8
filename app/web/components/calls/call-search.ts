// The Calls page's search: what the filters hold, how it sits in the address (so a search can be
// reloaded or shared: ?from=2026-12-01&to=2026-12-07&caller=…&page=2) and the API query it makes
// (whole local days: from the first day's midnight to the midnight after the last day).
import type { LocationQuery, LocationQueryRaw } from 'vue-router';
import type { CallFilter } from '../../api/call-filter.js';
import { NUMBER_START } from '../../../calls/calls.schemas.js';

export interface CallSearch {
  /** First and last day, YYYY-MM-DD, both included; null: any time. */
  range: [string, string] | null;
  caller: string;
  called: string;
  outcome: string;
  queue: string;
  agentId: string;
  flow: string;
}

export const PAGE_SIZE = 20;
const TEXT = ['caller', 'called', 'outcome', 'queue', 'agentId', 'flow'] as const;

export const dayOf = (x: Date) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;

/** The last 7 days, today included. */
export function defaultSearch(now = new Date()): CallSearch {
  return { range: [dayOf(new Date(now.getTime() - 6 * 86_400_000)), dayOf(now)], caller: '', called: '', outcome: '', queue: '', agentId: '', flow: '' };
}

const one = (v: LocationQuery[string]) => (typeof v === 'string' ? v : '');
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The search in an address (defaults where it says nothing); the page number separately. */
export function searchFromQuery(q: LocationQuery): { search: CallSearch; page: number } {
  const s = defaultSearch();
  const from = one(q.from);
  const to = one(q.to);
  if (q.any === '1') s.range = null;
  else if (DAY.test(from) && DAY.test(to)) s.range = [from, to];
  for (const k of TEXT) s[k] = one(q[k]);
  const page = Math.max(1, Math.floor(Number(one(q.page)) || 1));
  return { search: s, page };
}

/** The address's query for a search (the open call kept). */
export function searchToQuery(s: CallSearch, page: number, open?: string): LocationQueryRaw {
  const q: LocationQueryRaw = {};
  if (s.range) [q.from, q.to] = s.range;
  else q.any = '1';
  for (const k of TEXT) if (s[k].trim()) q[k] = s[k].trim();
  if (page > 1) q.page = String(page);
  if (open) q.open = open;
  return q;
}

/** Local midnight of a YYYY-MM-DD day, `plus` days later, as an ISO time. */
function midnight(day: string, plus = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plus).toISOString();
}

export function apiFilter(s: CallSearch, page: number): CallFilter {
  const f: CallFilter = { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
  if (s.range) {
    f.from = midnight(s.range[0]);
    f.to = midnight(s.range[1], 1);
  }
  for (const k of TEXT) if (s[k].trim()) f[k] = s[k].trim();
  // Digits (a + first at most) are the start of a number: 138 finds 13800138000. Anything else
  // ("anonymous", a SIP name) is matched exactly.
  if (f.caller && NUMBER_START.test(f.caller)) {
    f.callerPrefix = f.caller;
    delete f.caller;
  }
  return f;
}
