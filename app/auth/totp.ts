// RFC 6238 TOTP (HMAC-SHA-1, 30 s steps, 6 digits) on RFC 4226 HOTP, with base32 secrets
// (RFC 4648) and the otpauth:// URI authenticator apps scan. Verification accepts the
// previous, current and next step, and refuses a step at or before the last one used, so
// a code works once (the caller stores the returned step).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP = { stepSeconds: 30, digits: 6, window: 1, algorithm: 'SHA1' } as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces, dashes and '=' padding; throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('invalid base32 character in TOTP secret');
    value = ((value << 5) | idx) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new random secret: 20 bytes (160 bits, the RFC 4226 recommendation), base32. */
export function generateTotpSecret(bytes = 20): string {
  return base32Encode(randomBytes(bytes));
}

/** RFC 4226 HOTP: HMAC-SHA-1 over the 8-byte counter, dynamic truncation, `digits` digits. */
export function hotp(key: Uint8Array, counter: number | bigint, digits: number = TOTP.digits): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The time step a moment falls in (Unix seconds / 30, floored). */
export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP.stepSeconds);
}

/** The code for a base32 secret at a moment. */
export function totpCode(secret: string, nowMs: number, digits: number = TOTP.digits): string {
  return hotp(base32Decode(secret), totpStep(nowMs), digits);
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'invalid' | 'replayed' };

/**
 * Checks a code against the steps around `nowMs` (± window). A match at or before
 * `lastStep` (the step of the last accepted code) is a replay and refused.
 */
export function verifyTotp(secret: string, code: string, opts: { nowMs: number; lastStep?: number | null; window?: number }): TotpCheck {
  const given = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${TOTP.digits}}$`).test(given)) return { ok: false, reason: 'malformed' };
  const key = base32Decode(secret);
  const current = totpStep(opts.nowMs);
  const window = opts.window ?? TOTP.window;
  let matched: number | undefined;
  // Check every step in the window (no early exit) so timing does not tell which one matched.
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(given))) matched ??= step;
  }
  if (matched === undefined) return { ok: false, reason: 'invalid' };
  if (opts.lastStep !== undefined && opts.lastStep !== null && matched <= opts.lastStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step: matched };
}

/** The enrolment URI (Google Authenticator key URI format) shown as a QR code. */
export function otpauthUri(opts: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const query = new URLSearchParams({
    secret: opts.secret,
    issuer: opts.issuer,
    algorithm: TOTP.algorithm,
    digits: String(TOTP.digits),
    period: String(TOTP.stepSeconds),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}
