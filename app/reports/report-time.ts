// Time in reports: a range given as dates or instants in the reader's timezone, and the
// period (hour, day, week, month) a 15-minute bucket falls in, in that timezone. Pure.

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    fmtCache.set(tz, f);
  }
  return f;
}

/** Whether the runtime knows the IANA timezone. */
export function validTimezone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface LocalParts { year: number; month: number; day: number; hour: number; minute: number; second: number }

export function localParts(ms: number, tz: string): LocalParts {
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The timezone's offset from UTC at an instant, in ms. */
export function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time in a timezone. */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(guess, tz);
  return guess - offsetAt(first, tz);
}

/** 'YYYY-MM-DD' (local midnight in tz) or an ISO instant with offset; null when neither. */
export function parseReportTime(s: string, tz: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const check = new Date(Date.UTC(y, m - 1, day));
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== day) return null;
    return zonedTime(y, m, day, 0, 0, tz);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The period label of an instant: '2026-12-03 14:00', '2026-12-03', the Monday of its week, '2026-12'. */
export function periodOf(ms: number, interval: Interval, tz: string): string {
  const p = localParts(ms, tz);
  const date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  if (interval === 'hour') return `${date} ${pad(p.hour)}:00`;
  if (interval === 'day') return date;
  if (interval === 'month') return `${p.year}-${pad(p.month)}`;
  const utcDay = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const back = (utcDay.getUTCDay() + 6) % 7; // days since Monday
  const monday = new Date(utcDay.getTime() - back * 86_400_000);
  return `${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}`;
}

/** The instants [start, end) of a period label of `periodOf` in tz; null when the label is not one of the interval's. */
export function periodBounds(period: string, interval: Interval, tz: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2})(?: (\d{2}):00)?)?$/.exec(period);
  if (!m) return null;
  const [y, mo, d, h] = [Number(m[1]), Number(m[2]), m[3] === undefined ? undefined : Number(m[3]), m[4] === undefined ? undefined : Number(m[4])];
  const shape = interval === 'month' ? d === undefined : interval === 'hour' ? h !== undefined : d !== undefined && h === undefined;
  if (!shape || mo < 1 || mo > 12 || (d !== undefined && (d < 1 || d > 31)) || (h !== undefined && h > 23)) return null;
  if (periodOf(interval === 'month' ? zonedTime(y, mo, 1, 0, 0, tz) : zonedTime(y, mo, d!, h ?? 0, 0, tz), interval, tz) !== period) return null;
  if (interval === 'hour') return [zonedTime(y, mo, d!, h!, 0, tz), zonedTime(y, mo, d!, h! + 1, 0, tz)];
  if (interval === 'day') return [zonedTime(y, mo, d!, 0, 0, tz), zonedTime(y, mo, d! + 1, 0, 0, tz)];
  if (interval === 'week') return [zonedTime(y, mo, d!, 0, 0, tz), zonedTime(y, mo, d! + 7, 0, 0, tz)];
  return [zonedTime(y, mo, 1, 0, 0, tz), zonedTime(y, mo + 1, 1, 0, 0, tz)];
}
