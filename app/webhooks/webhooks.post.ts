// One HTTP attempt of a delivery: POST the stored body, signed now, with Node's fetch
// (redirects not followed, 10 s deadline). The outcome carries a short error text with no
// URL, header or secret in it.
import { signatureHeader } from './webhooks.signature.js';

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseMs: number | null;
}

export interface Attempt {
  url: string;
  secret: string;
  deliveryId: string;
  event: string;
  body: string;
  timeoutMs?: number;
  /** Aborts the request (Hotline stopping): a failed attempt, retried later. */
  stop?: AbortSignal;
}

export async function postDelivery(a: Attempt): Promise<AttemptOutcome> {
  const started = performance.now();
  const timeoutMs = a.timeoutMs ?? 10_000;
  try {
    const res = await fetch(a.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Hotline-Webhooks/1',
        'x-hotline-event': a.event,
        'x-hotline-delivery': a.deliveryId,
        'x-hotline-signature': signatureHeader(a.secret, a.body),
      },
      body: a.body,
      redirect: 'manual',
      signal: a.stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), a.stop]) : AbortSignal.timeout(timeoutMs),
    });
    const responseMs = Math.round(performance.now() - started);
    // The answer's body is not read (nor kept): cancelling frees the connection. A failure to
    // cancel (the receiver closed it already) changes nothing about the outcome.
    try {
      await res.body?.cancel();
    } catch {
      // nothing to free
    }
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400;
    return { ok, statusCode: res.status, responseMs, error: ok ? null : `HTTP ${res.status}${redirect ? ' (redirects are not followed)' : ''}` };
  } catch (err) {
    if (a.stop?.aborted) return { ok: false, statusCode: null, responseMs: null, error: 'Hotline stopped while sending' };
    return { ok: false, statusCode: null, responseMs: null, error: attemptError(err, timeoutMs) };
  }
}

/** A short, secret-free description of why a request failed (no URL: it may carry a token). */
export function attemptError(err: unknown, timeoutMs = 10_000): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const code = e?.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed (try again)',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    UND_ERR_SOCKET: 'connection closed by the receiver',
    UND_ERR_HEADERS_TIMEOUT: 'no answer headers in time',
  };
  if (code && known[code]) return `${known[code]} (${code})`;
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return `TLS failure (${code})`;
  if (code) return `request failed (${String(code).slice(0, 60)})`;
  return `request failed: ${String(e?.message ?? err).replace(/https?:\/\/\S+/g, '<url>').slice(0, 200)}`;
}
