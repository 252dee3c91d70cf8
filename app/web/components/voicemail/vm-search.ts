// The voicemail page's search: what the filters hold, how it sits in the address (so a reload or a
// shared link shows the same: ?mailbox=sales&status=new&from=2026-12-01&to=2026-12-07&page=2) and
// the API query it makes. The address is passed on as it is (a day becomes the local day's
// midnight, the last day included): the server judges it, and a value it refuses is said on the
// page rather than dropped in silence. Pure (the unit tests import it): no API client here.
import type { LocationQuery, LocationQueryRaw } from 'vue-router';

export interface VmSearch {
  /** A mailbox (exact); '' any. */
  mailbox: string;
  /** new, heard, done, empty (or what the address said); '' the API's default: new, heard and done. */
  status: string;
  /** First and last day (YYYY-MM-DD, both included), or what the address said; '' open. */
  from: string;
  to: string;
}

/** GET /api/voicemails's query. */
export interface VmApiQuery {
  mailbox?: string;
  status?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export const VM_PAGE_SIZE = 20;
/** The statuses offered as filters (recording is a moment, not work). */
export const VM_STATUSES = ['new', 'heard', 'done', 'empty'] as const;
const KEYS = ['mailbox', 'status', 'from', 'to'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const emptySearch = (): VmSearch => ({ mailbox: '', status: '', from: '', to: '' });
const one = (v: LocationQuery[string]) => (typeof v === 'string' ? v.trim() : '');

/** The search in an address; the page number separately (1 when absent or not a number). */
export function searchFromQuery(q: LocationQuery): { search: VmSearch; page: number } {
  const s = emptySearch();
  for (const k of KEYS) s[k] = one(q[k]);
  const page = Math.max(1, Math.floor(Number(one(q.page)) || 1));
  return { search: s, page };
}

/** The address's query for a search (empty filters left out, page 1 left out). */
export function searchToQuery(s: VmSearch, page: number): LocationQueryRaw {
  const q: LocationQueryRaw = {};
  for (const k of KEYS) if (s[k].trim()) q[k] = s[k].trim();
  if (page > 1) q.page = String(page);
  return q;
}

export const isFiltered = (s: VmSearch): boolean => KEYS.some((k) => s[k].trim() !== '');

/** The date picker's range: both ends days, else none shown. */
export const rangeOf = (s: VmSearch): [string, string] | null => (DAY.test(s.from) && DAY.test(s.to) ? [s.from, s.to] : null);

/** Local midnight of a YYYY-MM-DD day, `plus` days later, as an ISO time. */
function midnight(day: string, plus = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plus).toISOString();
}

export function apiQuery(s: VmSearch, page: number): VmApiQuery {
  const q: VmApiQuery = { limit: VM_PAGE_SIZE, offset: (page - 1) * VM_PAGE_SIZE };
  if (s.mailbox.trim()) q.mailbox = s.mailbox.trim();
  if (s.status.trim()) q.status = s.status.trim();
  if (s.from.trim()) q.from = DAY.test(s.from) ? midnight(s.from) : s.from.trim();
  if (s.to.trim()) q.to = DAY.test(s.to) ? midnight(s.to, 1) : s.to.trim();
  return q;
}

/** How long since `since` in words' parts: the page words it (voicemail.page.wait.<unit>). */
export function waited(since: string, now: number): { unit: 'lessThanMinute' | 'minutes' | 'hours' | 'days'; d: number; h: number; m: number } {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const unit = minutes < 1 ? 'lessThanMinute' : minutes < 60 ? 'minutes' : d < 1 ? 'hours' : 'days';
  return { unit, d, h, m };
}
