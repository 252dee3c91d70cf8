// A small in-process login limiter: at most `max` attempts per key (IP + username) in a
// sliding window of `windowMs`. It lives in this process only: two Hotline nodes (hot
// standby) each count on their own, and a restart forgets — acceptable because the account
// lockout (5 failures in a row, stored in the database) is the durable protection; this
// limiter only slows down guessing from one place. Memory is bounded by `maxKeys` (the
// oldest keys are dropped first).
export interface RateLimitOptions {
  max: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /** Counts an attempt; returns 0 when allowed, else the seconds until the next one is. */
  hit(key: string): number {
    const now = this.now();
    const since = now - this.opts.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.opts.max) {
      this.hits.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.opts.windowMs - now) / 1000));
    }
    recent.push(now);
    this.hits.delete(key); // re-insert: Map order is then least recently used first
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.sweep();
    return 0;
  }

  /** Drops the least recently used keys (Map order) down to 90 % of maxKeys. */
  private sweep(): void {
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys * 0.9) break;
      this.hits.delete(key);
    }
  }

  get size(): number {
    return this.hits.size;
  }
}
