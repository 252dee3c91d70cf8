// When a failed delivery is tried again: after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h
// (8 attempts in all), then it is `failed`. Pure.

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000];

/**
 * The retry delays in use. `override` (HOTLINE_WEBHOOK_RETRY_MS, in ms: one value for every
 * retry, or a comma list of 7) shortens the schedule for tests; the attempt count stays 8.
 */
export function retryDelays(override?: readonly number[]): readonly number[] {
  if (!override?.length) return DEFAULT_RETRY_DELAYS_MS;
  if (override.length === 1) return DEFAULT_RETRY_DELAYS_MS.map(() => override[0]!);
  return override;
}

export type AfterFailure = { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

/** What follows a failed attempt, `attempts` being the attempts made so far (this one included). */
export function afterFailedAttempt(attempts: number, now: Date, delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS): AfterFailure {
  const delay = delays[Math.max(attempts, 1) - 1];
  if (delay === undefined) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}

/** Attempts a delivery gets before it is failed (the first and one per retry delay). */
export function maxAttempts(delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS): number {
  return delays.length + 1;
}
