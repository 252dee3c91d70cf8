// The blocked-numbers rules the console applies before it asks the server (docs/api/blocked-numbers.md),
// pure so that they are unit-tested, and the server's own where it has them (app/blocking): a number
// is a phone number with at least 5 digits (stored in the CRM's one form), a reason 1–200 characters
// without control characters (the server's schema), and the end of a block picked from presets —
// agents only up to 30 days ahead, never permanent.
import { AGENT_MAX_DAYS, MAX_YEARS, WITHHELD, blockableNumber as serverBlockable } from '../../../blocking/blocking.rules.js';
import { blockCreateBody } from '../../../blocking/blocking.schemas.js';

export { AGENT_MAX_DAYS, MAX_YEARS, WITHHELD };
export const REASON_MAX = 200;
const DAY = 86_400_000;

export type Role = 'admin' | 'supervisor' | 'agent' | 'readonly';
export type Preset = '1d' | '7d' | '30d' | 'permanent' | 'date';
export const PRESETS: readonly Preset[] = ['1d', '7d', '30d', 'permanent', 'date'];
const PRESET_DAYS: Partial<Record<Preset, number>> = { '1d': 1, '7d': 7, '30d': AGENT_MAX_DAYS };

/** Who changes and removes blocks (and blocks for longer than 30 days, or for ever). */
export const canManageBlocks = (role: Role | string | undefined): boolean => role === 'supervisor' || role === 'admin';
/** Who adds a block (agents for at most 30 days). */
export const canAddBlock = (role: Role | string | undefined): boolean => canManageBlocks(role) || role === 'agent';

/** Whether `role` may block this stored number: every caller who withholds their number at once is for supervisors and admins. */
export const mayBlockNumber = (role: Role | string | undefined, number: string): boolean => number !== WITHHELD || canManageBlocks(role);

/** The presets a role is offered: agents get no "permanent". */
export function presetsFor(role: Role | string | undefined): Preset[] {
  return canManageBlocks(role) ? [...PRESETS] : PRESETS.filter((p) => p !== 'permanent');
}

/** The number as the server stores it, or null when it is not a phone number of 5 digits or more. */
export function blockableNumber(raw: string): string | null {
  const r = serverBlockable(raw);
  return 'number' in r ? r.number : null;
}

/** The end of a picked day in local time (a block "until 14 Dec" lets calls in from the 15th). */
export function endOfDay(day: Date): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), 23, 59, 59, 999);
}

/** The latest end `role` may set, from `now`. */
export function latestUntil(role: Role | string | undefined, now: Date): Date {
  if (!canManageBlocks(role)) return new Date(now.getTime() + AGENT_MAX_DAYS * DAY);
  const d = new Date(now);
  d.setFullYear(d.getFullYear() + MAX_YEARS);
  return d;
}

/** Whether a day in the date picker is out of reach for `role` (past, or its end too far ahead). */
export function dayDisabled(day: Date, role: Role | string | undefined, now: Date): boolean {
  const end = endOfDay(day);
  return end.getTime() <= now.getTime() || end.getTime() > latestUntil(role, now).getTime();
}

/** The `until` a preset stands for: ISO time, or null for permanent; `day` for the "date" preset. */
export function untilFor(preset: Preset, now: Date, day?: Date | null): string | null {
  if (preset === 'permanent') return null;
  if (preset === 'date') {
    if (!day) throw new Error('untilFor: the date preset needs a day');
    return endOfDay(day).toISOString();
  }
  return new Date(now.getTime() + PRESET_DAYS[preset]! * DAY).toISOString();
}

export interface BlockForm {
  number: string;
  reason: string;
  preset: Preset;
  /** The picked day (the "date" preset). */
  day: Date | null;
}
export type BlockProblem = 'number' | 'reason' | 'dayMissing' | 'dayPast' | 'dayTooFar' | 'needsSupervisor' | 'withheldNeedsSupervisor';

/** Whether the server's schema refuses this reason (1–200 characters once trimmed, no control characters). */
export function reasonProblem(reason: string): boolean {
  return !blockCreateBody.shape.reason.safeParse(reason).success;
}

/** What is wrong with the form, field by field (the same rules as the server's); empty when nothing. */
export function blockProblems(f: BlockForm, role: Role | string | undefined, now: Date, opts: { withNumber?: boolean } = {}): Partial<Record<'number' | 'reason' | 'until', BlockProblem>> {
  const out: Partial<Record<'number' | 'reason' | 'until', BlockProblem>> = {};
  if (opts.withNumber !== false) {
    const number = blockableNumber(f.number);
    if (!number) out.number = 'number';
    else if (!mayBlockNumber(role, number)) out.number = 'withheldNeedsSupervisor';
  }
  if (reasonProblem(f.reason)) out.reason = 'reason';
  if (!presetsFor(role).includes(f.preset)) out.until = 'needsSupervisor';
  else if (f.preset === 'date') {
    if (!f.day) out.until = 'dayMissing';
    else if (endOfDay(f.day).getTime() <= now.getTime()) out.until = 'dayPast';
    else if (endOfDay(f.day).getTime() > latestUntil(role, now).getTime()) out.until = canManageBlocks(role) ? 'dayTooFar' : 'needsSupervisor';
  }
  return out;
}

/** The body of POST /api/blocked-numbers for a checked form. */
export function blockBody(f: BlockForm, now: Date): { number: string; reason: string; until: string | null } {
  return { number: blockableNumber(f.number) ?? f.number.trim(), reason: f.reason.trim(), until: untilFor(f.preset, now, f.day) };
}

/** The body of PATCH /api/blocked-numbers/:id: what changed (`keep`: the end stays); null when nothing did. */
export function patchBlockBody(was: { reason: string }, f: Omit<BlockForm, 'preset'> & { preset: Preset | 'keep' }, now: Date): { reason?: string; until?: string | null } | null {
  const body: { reason?: string; until?: string | null } = {};
  if (f.reason.trim() !== was.reason) body.reason = f.reason.trim();
  if (f.preset !== 'keep') body.until = untilFor(f.preset, now, f.day);
  return Object.keys(body).length ? body : null;
}
