/**
 * One form for every phone number, so that a caller ID always matches what was stored,
 * however either was written. Home country: China (+86).
 *
 * - Chinese mobiles: the 11 national digits            `13800138000`
 *   (+86 138 0013 8000, 008613800138000, 8613800138000, 138-0013-8000, (0)13800138000, 013800138000)
 * - Chinese landlines: trunk 0 + area code + number     `01012345678`
 *   (+86 10 12345678, +86 (0)10 1234 5678, 0086 10 1234 5678, 0 10 1234 5678, (010) 1234-5678)
 * - Chinese non-geographic numbers (400/800, short service numbers): as dialed  `4008108888`, `95588`
 * - Other countries: `+` country code and number        `+14155550100` (00 → +, a "(0)" after the
 *   country code is dropped: +44 (0)20 7946 0958 → +442079460958)
 * - Anything else made of digits (extensions, local numbers): the digits  `9000`
 *
 * Spaces, dashes, dots, slashes and parentheses are ignored; full-width characters (＋８６…)
 * are read as their ASCII forms. Returns null for something that is not a phone number
 * (letters, a + in the middle, fewer than 3 or more than 20 digits). normalizePhone is
 * idempotent: normalizePhone(normalizePhone(x)) === normalizePhone(x).
 */
export const HOME_COUNTRY_CODE = '86';

const MOBILE = /^1[3-9]\d{9}$/;
/** 400/800 numbers are dialed without a trunk 0, inside China and from abroad alike. */
const NON_GEOGRAPHIC = /^[48]00\d{7}$/;

/** A Chinese national number (without trunk prefix or country code) in its stored form. */
function national(n: string): string {
  if (MOBILE.test(n) || NON_GEOGRAPHIC.test(n)) return n;
  // Geographic numbers are area code (2–3 digits) + 7–8 digits; shorter ones are service numbers.
  return n.length >= 9 ? `0${n}` : n;
}

export function normalizePhone(raw: string): string | null {
  let s = raw.normalize('NFKC').trim();
  if (/^tel:/i.test(s)) s = s.slice(4);
  s = s.replace(/^\(\+(\d{1,4})\)/, '+$1'); // "(+86) 138 ..."
  if (!/^[+0-9(][0-9 ()./-]*$/.test(s)) return null;
  const international = s.startsWith('+') || /^\(?00/.test(s);
  // "(0)" after a country code is the trunk prefix, not part of the number.
  if (international) s = s.replace(/\(0\)/g, '');
  let digits = s.replace(/[^0-9+]/g, '');
  if (digits.lastIndexOf('+') > 0) return null;
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  const count = digits.replace('+', '').length;
  if (count < 3 || count > 20) return null;

  if (digits.startsWith(`+${HOME_COUNTRY_CODE}`)) {
    let n = digits.slice(1 + HOME_COUNTRY_CODE.length);
    if (n.startsWith('0')) n = n.slice(1); // "+86 010 ..." written with its trunk prefix
    return n.length >= 3 ? national(n) : null;
  }
  if (digits.startsWith('+')) return digits;
  // No country code. 86 + a mobile is a caller ID sent without its +.
  if (digits.startsWith(HOME_COUNTRY_CODE) && MOBILE.test(digits.slice(HOME_COUNTRY_CODE.length))) return digits.slice(HOME_COUNTRY_CODE.length);
  if (/^0[1-9]/.test(digits)) {
    const n = digits.slice(1);
    // A mobile dialed with a trunk 0 (013800138000); otherwise a landline with its area code.
    if (MOBILE.test(n) || NON_GEOGRAPHIC.test(n)) return n;
    return digits;
  }
  return digits;
}

/**
 * The forms a stored number may arrive in as a raw caller ID (call records keep the caller
 * number as the trunk sent it), for exact, indexed lookups: `13800138000` →
 * 13800138000, +8613800138000, 008613800138000, 8613800138000, 013800138000.
 */
export function phoneVariants(stored: string): string[] {
  const out = new Set<string>([stored]);
  const cc = HOME_COUNTRY_CODE;
  if (stored.startsWith('+')) {
    out.add(`00${stored.slice(1)}`);
    out.add(stored.slice(1));
  } else {
    const n = stored.startsWith('0') ? stored.slice(1) : stored;
    if (n.length >= 5) {
      out.add(`+${cc}${n}`);
      out.add(`00${cc}${n}`);
      out.add(`${cc}${n}`);
    }
    if (MOBILE.test(stored)) out.add(`0${stored}`);
  }
  // Only forms that read back as this number (86 + a landline without its + is ambiguous).
  return [...out].filter((v) => v === stored || normalizePhone(v) === stored);
}
