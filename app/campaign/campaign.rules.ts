// The pure rules of the outbound campaigns (docs/api/campaigns.md): calling hours in the
// campaign's timezone, the campaign's status moves, what a dial's end means for the contact, and
// whether a contact is called again. No database, no clock of its own: unit-tested.
import type { CallingHours, CampaignStatus, ContactStatus } from './campaign.schemas.js';

// ---- calling hours -------------------------------------------------------------------------

interface Local {
  year: number;
  month: number;
  day: number;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

function localOf(at: Date, timeZone: string): Local {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    formats.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { year: Number(get('year')), month: Number(get('month')), day: Number(get('day')), weekday: WEEKDAYS[get('weekday')] ?? 1, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant a local wall-clock time in `timeZone` is (the first one, across a DST change). */
export function zonedTime(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const l = localOf(new Date(guess), timeZone);
    const seen = Date.UTC(l.year, l.month - 1, l.day, Math.floor(l.minutes / 60), l.minutes % 60);
    if (seen === wanted) break;
    guess += wanted - seen;
  }
  return new Date(guess);
}

/** Inside the calling hours at `at` (from inclusive, to exclusive)? */
export function isOpen(h: CallingHours, at: Date): boolean {
  const l = localOf(at, h.timezone);
  return h.days.includes(l.weekday) && l.minutes >= minutesOf(h.from) && l.minutes < minutesOf(h.to);
}

/** When the calling hours next open at or after `at` (`at` itself when open now). */
export function nextOpening(h: CallingHours, at: Date): Date {
  if (isOpen(h, at)) return at;
  const today = localOf(at, h.timezone);
  const from = minutesOf(h.from);
  for (let d = 0; d <= 7; d++) {
    // Walk the local calendar by noon UTC of each day (no DST edge near noon).
    const cal = new Date(Date.UTC(today.year, today.month - 1, today.day + d, 12));
    const weekday = ((today.weekday - 1 + d) % 7) + 1;
    if (!h.days.includes(weekday)) continue;
    const opens = zonedTime(cal.getUTCFullYear(), cal.getUTCMonth() + 1, cal.getUTCDate(), from, h.timezone);
    if (opens.getTime() > at.getTime()) return opens;
  }
  // Unreachable with at least one day; a week later as a bound.
  return new Date(at.getTime() + 7 * 86_400_000);
}

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone`. */
export function dayIn(at: Date, timeZone: string): string {
  const l = localOf(at, timeZone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

// ---- the campaign's status -----------------------------------------------------------------

const MOVES: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['running', 'finished'],
  running: ['paused', 'finished'],
  paused: ['running', 'finished'],
  finished: [],
};

/** May a campaign move from `from` to `to`? */
export function mayMove(from: CampaignStatus, to: CampaignStatus): boolean {
  return MOVES[from].includes(to);
}

// ---- contacts ------------------------------------------------------------------------------

/** The dial statuses of a call that reached the contact. */
export const CONNECTED = 'ANSWER';

/**
 * The result Hotline gives a dial that ended without the contact answering (null: it connected,
 * the agent gives the result). Unknown statuses are failures.
 */
export function systemResultOf(dialStatus: string): 'no_answer' | 'busy' | 'failed' | null {
  switch (dialStatus.toUpperCase()) {
    case CONNECTED:
      return null;
    case 'NOANSWER':
    case 'CANCEL':
      return 'no_answer';
    case 'BUSY':
      return 'busy';
    default:
      return 'failed';
  }
}

/**
 * Where a contact goes after a call or a result that does not end it: called again after
 * `retryMinutes`, or `unreached` once the attempts are used.
 */
export function afterNotFinal(attempts: number, maxAttempts: number, retryMinutes: number, now: Date): { status: ContactStatus; nextAttemptAt: Date } {
  if (attempts >= maxAttempts) return { status: 'unreached', nextAttemptAt: now };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + retryMinutes * 60_000) };
}

/** A contact's status as read at `now`: a hold that ran out counts as pending. */
export function effectiveStatus(status: ContactStatus, reservedUntil: Date | null, now: Date): ContactStatus {
  return status === 'reserved' && (!reservedUntil || reservedUntil.getTime() <= now.getTime()) ? 'pending' : status;
}

/** Statuses a contact does not leave (a supervisor may still cancel an unreached or blocked one). */
export const ENDED: readonly ContactStatus[] = ['done', 'unreached', 'blocked', 'cancelled'];
