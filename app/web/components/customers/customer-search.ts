// What the customers page's one search box means: an email (it has an @), a phone number (only
// digits and the signs phone numbers are written with, at least three digits: the server matches
// any written form of the whole number), else words of the name (contained, any language).

export type CustomerSearch = { name: string } | { phone: string } | { email: string } | Record<string, never>;

const PHONE_WRITING = /^[+(]?[0-9][0-9 ()./-]*$/;

export function customerSearch(typed: string): CustomerSearch {
  const s = typed.normalize('NFKC').trim();
  if (!s) return {};
  if (s.includes('@')) return { email: s };
  if (PHONE_WRITING.test(s) && s.replace(/[^0-9]/g, '').length >= 3) return { phone: s };
  return { name: s };
}
