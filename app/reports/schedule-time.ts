// When a scheduled report runs and which period it covers. Pure (no clock, no database).
//
// - daily at HH:MM (local time in the schedule's timezone): covers the previous local day.
// - weekly on a weekday (1 = Monday … 7 = Sunday) at HH:MM: covers the previous Monday-to-Monday
//   week, i.e. the last full week before the run's local day.
import { localParts, zonedTime } from './report-time.js';

export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface ScheduleTiming {
  frequency: Frequency;
  /** 'HH:MM', 24 h, local to `tz`. */
  time: string;
  /** 1 = Monday … 7 = Sunday; weekly only. */
  weekday: number | null;
  tz: string;
}

const DAY = 86_400_000;

function hm(time: string): [number, number] {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new Error(`not a time of day: ${time}`);
  return [Number(m[1]), Number(m[2])];
}

/** The local calendar date (as a UTC midnight) of an instant in tz, plus n days. */
function localDate(ms: number, tz: string, plusDays = 0): Date {
  const p = localParts(ms, tz);
  return new Date(Date.UTC(p.year, p.month - 1, p.day) + plusDays * DAY);
}

const isoWeekday = (d: Date) => ((d.getUTCDay() + 6) % 7) + 1;
const at = (d: Date, h: number, m: number, tz: string) => zonedTime(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), h, m, tz);

/** The first run strictly after `afterMs`. */
export function nextRun(t: ScheduleTiming, afterMs: number): Date {
  const [h, m] = hm(t.time);
  for (let i = 0; i <= 8; i++) {
    const d = localDate(afterMs, t.tz, i);
    if (t.frequency === 'weekly' && isoWeekday(d) !== t.weekday) continue;
    const run = at(d, h, m, t.tz);
    if (run > afterMs) return new Date(run);
  }
  throw new Error('no run within 8 days'); // unreachable for a valid timing
}

/** The period [from, to) a run at `runMs` covers: the previous local day, or the previous full week (Monday to Monday). */
export function periodOfRun(t: ScheduleTiming, runMs: number): { from: Date; to: Date } {
  const today = localDate(runMs, t.tz);
  if (t.frequency === 'daily') {
    const yesterday = new Date(today.getTime() - DAY);
    return { from: new Date(at(yesterday, 0, 0, t.tz)), to: new Date(at(today, 0, 0, t.tz)) };
  }
  const monday = new Date(today.getTime() - (isoWeekday(today) - 1) * DAY);
  const prevMonday = new Date(monday.getTime() - 7 * DAY);
  return { from: new Date(at(prevMonday, 0, 0, t.tz)), to: new Date(at(monday, 0, 0, t.tz)) };
}

/** 'YYYY-MM-DD' of an instant in tz (file names, subjects). */
export function localDay(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
