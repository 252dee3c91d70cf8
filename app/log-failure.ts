// Failures the code must continue past (best-effort clean-up, an optional lookup) are logged
// with what failed, never swallowed silently. Call-control commands use ignoreChannelGone
// (app/pbx/gone.ts) instead, which also knows that a hung-up channel is normal.
import type { Logger } from './logger.js';

export type FailureLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFailureOptions<T> {
  /** warn unless given. */
  level?: FailureLevel;
  context?: Record<string, unknown>;
  /** What the handler resolves to (undefined unless given). */
  fallback?: T;
  /** Failures that are an ordinary answer (a queue that does not exist): logged at debug only. */
  expected?: (err: unknown) => boolean;
}

/**
 * A `.catch` handler: logs `${what} failed` at `level` with the error's message and `context`,
 * and resolves to `fallback`.
 */
export function logFailure<T = undefined>(log: Logger, what: string, opts: LogFailureOptions<T> = {}): (err: unknown) => T {
  return (err) => {
    const level = opts.expected?.(err) ? 'debug' : (opts.level ?? 'warn');
    log[level]({ ...opts.context, err: err instanceof Error ? err.message : String(err) }, `${what} failed`);
    return opts.fallback as T;
  };
}

/**
 * For chains that only order work (one job after another): resolves once `p` settles,
 * whatever its result. Not a swallow: whoever awaits `p` itself receives its error.
 */
export function settled(p: Promise<unknown>): Promise<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}
