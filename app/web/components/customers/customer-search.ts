// What the customers page's one search box means: an email (it has an @); a phone number or part
// of one (only digits and the signs numbers are written with, at least three digits) — sent as
// the digits to look for inside the stored numbers (the last four digits find a customer; a
// number written with a country code, spaces or dashes is first put the way numbers are stored);
// else words of the name (contained, any language).
import { normalizePhone } from '../../../crm/phone.js';

export type CustomerSearch = { name: string } | { phoneDigits: string } | { email: string } | Record<string, never>;

const PHONE_WRITING = /^[+(]?[0-9][0-9 ()./-]*$/;
const DIGITS = /^\+?[0-9]{3,20}$/;

export function customerSearch(typed: string): CustomerSearch {
  const s = typed.normalize('NFKC').trim();
  if (!s) return {};
  if (s.includes('@')) return { email: s };
  if (DIGITS.test(s)) return { phoneDigits: s };
  if (PHONE_WRITING.test(s) && s.replace(/[^0-9]/g, '').length >= 3) {
    const stored = normalizePhone(s);
    if (stored && DIGITS.test(stored)) return { phoneDigits: stored };
  }
  return { name: s };
}
