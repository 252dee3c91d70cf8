// The weekday and time-of-day filter of a report: the instants [from, to) of a range that fall on
// the chosen local weekdays between the chosen local times of day, as a list of UTC windows
// (DST-safe: each local day's start and end are converted on their own), and the sentence that
// states the filter on the report. Pure.
import { localParts, zonedTime } from './report-time.js';

/** A report's day filter: ISO weekdays (1 = Monday … 7) and local times of day in minutes (end exclusive, 1440 = midnight after). */
export interface DayFilter {
  weekdays: number[] | null;
  dayStart: number;
  dayEnd: number;
}

export type Window = [number, number];

const DAY_MINUTES = 1440;

/** Whether a day filter leaves every instant of every day in (no filter). */
export function allDay(f: DayFilter): boolean {
  return (!f.weekdays || f.weekdays.length === 7) && f.dayStart === 0 && f.dayEnd === DAY_MINUTES;
}

/** 'HH:MM' on a 15-minute boundary as minutes after midnight ('24:00' only as an end); null otherwise. */
export function parseDayTime(s: string, end: boolean): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (min % 15 !== 0 || min > 45) return null;
  if (h === 24 && min === 0 && end) return DAY_MINUTES;
  return h <= 23 ? h * 60 + min : null;
}

/** What is wrong with a time-of-day range (null: nothing), worded once for the reports' queries and the schedules' bodies. */
export function dayRangeProblem(dayStart: string | null | undefined, dayEnd: string | null | undefined): { field: 'dayStart' | 'dayEnd'; message: string } | null {
  const start = dayStart == null ? 0 : parseDayTime(dayStart, false);
  if (start === null) return { field: 'dayStart', message: `${dayStart!.slice(0, 8)} is not a start of day: 00:00 to 23:45 on a 15-minute boundary` };
  const end = dayEnd == null ? DAY_MINUTES : parseDayTime(dayEnd, true);
  if (end === null) return { field: 'dayEnd', message: `${dayEnd!.slice(0, 8)} is not an end of day: 00:15 to 24:00 on a 15-minute boundary` };
  if (end <= start) return { field: 'dayEnd', message: `the end of the day (${dayEnd ?? '24:00'}) must be after its start (${dayStart ?? '00:00'}); a range over midnight is two reports` };
  return null;
}

/** The ISO weekday (1 = Monday … 7) of a calendar date. */
export function isoWeekday(year: number, month: number, day: number): number {
  return ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
}

/**
 * The UTC windows [start, end) of the range [from, to) that fall on the filter's weekdays
 * between its times of day, local to tz, in order; touching windows are joined (Monday to
 * Friday all day is one window). No filter: the range itself.
 */
export function dayWindows(from: number, to: number, tz: string, f: DayFilter): Window[] {
  if (to <= from) return [];
  if (allDay(f)) return [[from, to]];
  const days = new Set(f.weekdays ?? [1, 2, 3, 4, 5, 6, 7]);
  const first = localParts(from, tz);
  const out: Window[] = [];
  // Local calendar days from the day of `from` until one starts at or after `to` (Date.UTC rolls the day over months).
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const dayStart = zonedTime(y, m, d, 0, 0, tz);
    if (dayStart >= to) break;
    if (!days.has(isoWeekday(y, m, d))) continue;
    const start = Math.max(from, zonedTime(y, m, d, Math.floor(f.dayStart / 60), f.dayStart % 60, tz));
    const end = Math.min(to, f.dayEnd === DAY_MINUTES ? zonedTime(y, m, d + 1, 0, 0, tz) : zonedTime(y, m, d, Math.floor(f.dayEnd / 60), f.dayEnd % 60, tz));
    if (end <= start) continue;
    const last = out.at(-1);
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** The windows clipped to [from, to). */
export function clipWindows(windows: Window[], from: number, to: number): Window[] {
  return windows.map(([a, b]): Window => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a);
}

/** Whether an instant falls in one of the windows. */
export function inWindows(ms: number, windows: Window[]): boolean {
  return windows.some(([a, b]) => ms >= a && ms < b);
}

/** Milliseconds of [start, stop) inside the windows. */
export function overlapMs(start: number, stop: number, windows: Window[]): number {
  let s = 0;
  for (const [a, b] of windows) {
    const lo = Math.max(a, start);
    const hi = Math.min(b, stop);
    if (hi > lo) s += hi - lo;
  }
  return s;
}

type Locale = 'zh-CN' | 'en';
const WEEKDAY: Record<Locale, string[]> = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  'zh-CN': ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
};
const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** The weekdays as runs: 'Mon–Fri', 'Mon, Wed, Sat–Sun' ('周一至周五', '周一、周三、周六至周日'). */
export function weekdaysText(weekdays: number[], locale: Locale): string {
  const sorted = [...new Set(weekdays)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const d of sorted) {
    const last = runs.at(-1);
    if (last && last[1] === d - 1) last[1] = d;
    else runs.push([d, d]);
  }
  const name = (d: number) => WEEKDAY[locale][d - 1]!;
  const run = ([a, b]: [number, number]) => (a === b ? name(a) : `${name(a)}${locale === 'zh-CN' ? '至' : '–'}${name(b)}`);
  return runs.map(run).join(locale === 'zh-CN' ? '、' : ', ');
}

/** The day filter as the report states it: 'weekdays Mon–Fri, 08:00–18:00 (Asia/Shanghai)'. */
export function dayFilterText(f: DayFilter, tz: string, locale: Locale): string {
  const everyDay = !f.weekdays || f.weekdays.length === 7;
  const allHours = f.dayStart === 0 && f.dayEnd === DAY_MINUTES;
  if (locale === 'zh-CN') {
    const days = everyDay ? '每天' : `仅${weekdaysText(f.weekdays!, locale)}`;
    const hours = allHours ? '全天' : `${hhmm(f.dayStart)}–${hhmm(f.dayEnd)}`;
    return `${days}，${hours}（${tz} 当地时间）`;
  }
  const days = everyDay ? 'every day' : `weekdays ${weekdaysText(f.weekdays!, locale)}`;
  const hours = allHours ? 'all day' : `${hhmm(f.dayStart)}–${hhmm(f.dayEnd)}`;
  return `${days}, ${hours} (local time in ${tz})`;
}
