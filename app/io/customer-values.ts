// Values of the customer import beyond name and phone: lists (tags, emails) split on the
// separators people type, Chinese ones included; dates as Excel, LibreOffice and people write
// them; phone numbers too short to be one unless they are internal numbers.
import type { NumberRange } from '../config.js';
import { email, tag } from '../crm/crm.schemas.js';
import type { Cell } from './cells.js';

/** Between tags: , ; | / and their full-width forms, 、 and line breaks (a space stays inside a tag). */
const TAG_SEPARATORS = /[,;|/，；、｜／\r\n]+/;
/** Between email addresses: the same and white space. */
const EMAIL_SEPARATORS = /[,;|/，；、｜／\s]+/;

type Parsed = { ok: string[] } | { error: string; code: 'bad_tag' | 'bad_email'; params: Record<string, string> };

function parseList(text: string, separators: RegExp, schema: typeof tag | typeof email, what: string): Parsed {
  const out = new Set<string>();
  for (const part of text.split(separators)) {
    if (!part.trim()) continue;
    const r = schema.safeParse(part);
    if (!r.success) return { error: `"${part.trim()}" is not ${what}: ${r.error.issues[0]?.message ?? 'invalid'}`, code: schema === tag ? 'bad_tag' : 'bad_email', params: { value: part.trim() } };
    out.add(r.data);
  }
  return { ok: [...out] };
}

/** Tags of a cell: split, each normalized as the CRM does (lower case, NFKC). */
export const parseTags = (text: string): Parsed => parseList(text, TAG_SEPARATORS, tag, 'a tag');
/** Email addresses of a cell, normalized as the CRM does. */
export const parseEmails = (text: string): Parsed => parseList(text, EMAIL_SEPARATORS, email, 'an email address');

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
/** 9999-12-31 as an Excel serial day. */
const LAST_SERIAL = 2_958_465;
const TEXT_DAY = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DAY = /^(\d{4})(\d{2})(\d{2})$/;

function day(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

/**
 * A calendar day as YYYY-MM-DD, or null when the cell holds none. Reads Excel serial days
 * (what a date cell is without its style), 20230501 as a number or text, a date cell read as
 * an ISO date-time, and text such as 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日 (a time after it is dropped).
 */
export function parseDay(cell: Cell | undefined): string | null {
  if (typeof cell === 'number') {
    if (Number.isInteger(cell) && cell >= 19_000_101 && cell <= 99_991_231) return parseDay(String(cell));
    if (cell >= 1 && cell < LAST_SERIAL + 1) return new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000).toISOString().slice(0, 10);
    return null;
  }
  if (typeof cell !== 'string') return null;
  const text = cell.normalize('NFKC').trim();
  const m = TEXT_DAY.exec(text) ?? COMPACT_DAY.exec(text);
  return m ? day(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** Fewer digits than this is not a customer's phone number (7: a local number without its area code). */
export const MIN_PHONE_DIGITS = 7;

/** A normalized number too short to be a phone number, and not in one of the internal ranges. */
export function tooShortForPhone(phone: string, internal: readonly NumberRange[]): boolean {
  if (phone.replace('+', '').length >= MIN_PHONE_DIGITS) return false;
  return !internal.some((r) => phone.length === r.from.length && phone >= r.from && phone <= r.to);
}
