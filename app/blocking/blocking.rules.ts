// Blocked numbers, the pure part: which AstDB keys a block puts in Asterisk (one per spelling of
// the number a trunk may send), what they hold, how the copy in Asterisk is compared with the
// rows, and how long each role may block for.
import { normalizePhone, phoneVariants } from '../crm/phone.js';
import type { Role } from '../auth/auth.roles.js';
import { BLOCK_FAMILY } from '../pbx/admission.js';

/** The AstDB family the inbound dialplan reads (dialplan/extensions.conf, from-callers). */
export { BLOCK_FAMILY };
/** The value of a permanent block: an end the dialplan's `${EPOCH}` never reaches. */
export const NEVER = '9999999999';
/** Fewer digits than this is an internal extension, not an outside caller. */
export const MIN_DIGITS = 5;
/** Agents block for at most this long; longer (and permanent) is for supervisors and admins. */
export const AGENT_MAX_DAYS = 30;
export const MAX_YEARS = 5;
const DAY_MS = 86_400_000;

/**
 * The one block of every caller who sends no number (withheld, 隐藏号码): its stored "number".
 * Its keys are each way trunks write a withheld caller (CALLERID(num)), and the empty number.
 */
export const WITHHELD = 'withheld';
const WITHHELD_WORDS = ['anonymous', 'unknown', 'restricted', 'private', 'unavailable', 'withheld'];
const WITHHELD_SPELLINGS = ['', ...WITHHELD_WORDS.flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()])];

/** Whether the caller's number as the trunk sent it says the number is withheld. */
export function isWithheldCaller(raw: string): boolean {
  const t = raw.trim();
  return t === '' || WITHHELD_WORDS.includes(t.toLowerCase());
}

/** The number in its stored form, or why it cannot be blocked. */
export function blockableNumber(raw: string): { number: string } | { problem: string } {
  if (raw.trim() && isWithheldCaller(raw)) return { number: WITHHELD };
  const number = normalizePhone(raw);
  if (!number) return { problem: 'not a phone number' };
  if (number.replace(/\D/g, '').length < MIN_DIGITS) return { problem: `too short for an outside caller's number (at least ${MIN_DIGITS} digits)` };
  return { number };
}

/** AstDB keys of a stored number: `n` + each spelling (the `n` keeps a key from being empty). */
export function blockKeys(number: string): string[] {
  if (number === WITHHELD) return WITHHELD_SPELLINGS.map((v) => `n${v}`);
  return phoneVariants(number).map((v) => `n${v}`);
}

/** What a key holds: the block's end in whole seconds since the epoch (NEVER when permanent). */
export function blockValue(until: Date | null): string {
  return until ? String(Math.floor(until.getTime() / 1000)) : NEVER;
}

export function isActiveBlock(b: { until: Date | null }, now: Date): boolean {
  return b.until === null || b.until.getTime() > now.getTime();
}

/** The copy Asterisk should hold for these blocks (only those not ended). */
export function desiredCopy(blocks: Array<{ number: string; until: Date | null }>, now: Date): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of blocks) {
    if (!isActiveBlock(b, now)) continue;
    for (const k of blockKeys(b.number)) out.set(k, blockValue(b.until));
  }
  return out;
}

/** Asterisk's `database show <family>` output (one line each: `/family/key   : value`). */
export function parseDatabaseShow(lines: string[], family = BLOCK_FAMILY): Map<string, string> {
  const out = new Map<string, string>();
  const prefix = `/${family}/`;
  for (const line of lines) {
    for (const l of line.split('\n')) {
      const m = /^(\S+)\s*:\s*(\S*)\s*$/.exec(l.trim());
      if (m && m[1]!.startsWith(prefix)) out.set(m[1]!.slice(prefix.length), m[2]!);
    }
  }
  return out;
}

/** What to write to make `actual` equal `desired`. */
export function copyDiff(desired: Map<string, string>, actual: Map<string, string>): { put: Array<[string, string]>; del: string[] } {
  const put = [...desired].filter(([k, v]) => actual.get(k) !== v);
  const del = [...actual.keys()].filter((k) => !desired.has(k));
  return { put, del };
}

/** Why `role` may not block `number` until `until`, or null. */
export function untilProblem(role: Role, until: Date | null, now: Date, number = ''): string | null {
  if (role !== 'agent') return null;
  if (number === WITHHELD) return 'blocking every caller who withholds their number is for a supervisor';
  if (until === null) return 'agents block for a limited time: a permanent block is for a supervisor';
  if (until.getTime() - now.getTime() > AGENT_MAX_DAYS * DAY_MS + 60_000) return `agents block for at most ${AGENT_MAX_DAYS} days; longer is for a supervisor`;
  return null;
}

/** A given end must be ahead of now and at most MAX_YEARS ahead. */
export function untilRangeProblem(until: Date, now: Date): string | null {
  if (until.getTime() <= now.getTime()) return 'must be in the future';
  if (until.getTime() - now.getTime() > MAX_YEARS * 366 * DAY_MS) return `at most ${MAX_YEARS} years ahead (leave it out for a permanent block)`;
  return null;
}
