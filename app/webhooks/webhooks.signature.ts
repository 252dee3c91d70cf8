// Signing a delivery: `x-hotline-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
// Pure; the receiver-side check (verify) is the one docs/api/webhooks.md shows.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function signatureOf(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The header value for `body` signed at `t` (unix seconds). */
export function signatureHeader(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

/**
 * Whether `header` signs `body` with `secret`, made at most `toleranceS` seconds from `now`
 * (unix seconds). Constant-time comparison; any malformed header is simply false.
 */
export function verifySignature(secret: string, body: string, header: string, now = Math.floor(Date.now() / 1000), toleranceS = 300): boolean {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(now - t) > toleranceS || !/^[0-9a-f]{64}$/.test(v1)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(signatureOf(secret, t, body), 'hex'));
}

/** A new endpoint secret: `whsec_` and 48 hex digits (192 random bits). */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('hex')}`;
}

/** What the API shows of a stored secret: its last 4 characters. */
export function secretHint(secret: string): string {
  return secret.slice(-4);
}
