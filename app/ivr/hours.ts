// Business hours: is a given instant inside the opening hours of a timezone? Uses Intl only
// (the IANA database shipped with Node), so DST changes are handled by the runtime.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Hours {
  /** IANA timezone, e.g. Asia/Shanghai. */
  timezone: string;
  /** Per weekday, [start, end) intervals as "HH:MM" local time. A missing day is closed. */
  weekly: Partial<Record<Weekday, Array<[string, string]>>>;
  /** Local dates (YYYY-MM-DD) that are closed all day. */
  holidays: string[];
}

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** HH:MM, 00:00 to 23:59 */
  time: string;
}

const WEEKDAYS: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for an unknown timezone.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date, weekday and HH:MM of `now` in `timezone`. */
export function localTime(timezone: string, now: Date): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(now)) parts[p.type] = p.value;
  const weekday = WEEKDAYS[parts.weekday];
  if (!weekday) throw new Error(`cannot read the weekday of ${now.toISOString()} in ${timezone}`);
  const hour = parts.hour === '24' ? '00' : parts.hour; // some ICU versions print midnight as 24
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, time: `${hour}:${parts.minute}` };
}

/** Open when `now` (local) is not a holiday and falls in a [start, end) interval of its weekday. */
export function isOpen(h: Hours, now: Date): boolean {
  const local = localTime(h.timezone, now);
  if (h.holidays.includes(local.date)) return false;
  // Zero-padded HH:MM strings compare correctly as strings.
  return (h.weekly[local.weekday] ?? []).some(([start, end]) => start <= local.time && local.time < end);
}
