// The pure parts of the scheduler: retry backoff, what a failure leads to, error text.

export interface RetryPolicy {
  /** Claims before a failing job is marked failed. */
  maxAttempts: number;
  /** Backoff after the first failure; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseBackoffMs: 2_000, maxBackoffMs: 5 * 60_000 };

/** Delay before the next try after `attempts` failed claims (1 → base, 2 → 2×base, ...). */
export function backoffMs(attempts: number, p: RetryPolicy): number {
  const n = Math.max(1, attempts);
  return Math.min(p.maxBackoffMs, p.baseBackoffMs * 2 ** Math.min(n - 1, 30));
}

/** After a handler threw on claim number `attempts`: try again at `retryAt`, or give up. */
export function afterFailure(attempts: number, now: Date, p: RetryPolicy): { status: 'pending'; retryAt: Date } | { status: 'failed' } {
  if (attempts >= p.maxAttempts) return { status: 'failed' };
  return { status: 'pending', retryAt: new Date(now.getTime() + backoffMs(attempts, p)) };
}

/**
 * The error as stored in last_error: the message only (no stack, no payload), one line, bounded;
 * a plain Error's name is left out (the screens already label it "Error").
 */
export function errorText(err: unknown, max = 1000): string {
  const raw = err instanceof Error ? (err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message) : String(err);
  const line = raw.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
