/**
 * One form for every phone number so a caller ID always matches what was stored:
 * digits only, a leading + kept (00 becomes +), separators and spaces dropped.
 * Returns null for something that is not a phone number.
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[+0-9][0-9 ()./-]*$/.test(trimmed)) return null;
  let digits = trimmed.replace(/[^0-9+]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  if (digits.lastIndexOf('+') > 0) return null;
  const count = digits.replace('+', '').length;
  return count >= 3 && count <= 20 ? digits : null;
}
