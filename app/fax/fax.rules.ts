// Dial rules for faxes (HOTLINE_FAX_ALLOWED_PREFIXES / _DENIED_PREFIXES): checked before
// anything is converted, stored or dialed.
import { FaxDocumentError } from './fax.documents.js';

export interface DialRules {
  allowedPrefixes: string[];
  deniedPrefixes: string[];
}

/** The number as it is dialed (digits, an optional leading +), or a 400 naming the rule it breaks. */
export function checkFaxNumber(raw: string, rules: DialRules): string {
  const number = raw.replace(/[\s()-]/g, '');
  if (!/^\+?[0-9]{3,20}$/.test(number)) throw new FaxDocumentError('invalid_number', `"${raw}" is not a fax number (3-20 digits, an optional leading +)`);
  const denied = rules.deniedPrefixes.find((p) => number.startsWith(p));
  if (denied) throw new FaxDocumentError('number_not_allowed', `faxes to numbers starting ${denied} are not allowed by the dial rules`, 403);
  if (rules.allowedPrefixes.length && !rules.allowedPrefixes.some((p) => number.startsWith(p))) {
    throw new FaxDocumentError('number_not_allowed', `the dial rules allow faxes only to numbers starting ${rules.allowedPrefixes.join(', ')}`, 403);
  }
  return number;
}
