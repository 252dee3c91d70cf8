// Adaptive admission by rate: the dialplan lets at most HOTLINE_MAX_RATE calls a second into the
// Stasis app (admission.ts). HOTLINE_MAX_CALLS_PER_SECOND is the ceiling; how many the box can
// really set up changes with what else runs on it, so the active node watches how long ARI
// commands take (their round trip grows as soon as Asterisk or Node falls behind: that is where
// the collapse starts; a call needs three of them, so a p90 over 0.3 s already means a second of silence for
// callers) and lowers the limit while they are slow, then raises it back step by step
// (additive increase, multiplicative decrease, as TCP does with its window). Only calls are its
// business: told how many calls entered the app in the tick, it lowers the limit only under call
// pressure (at least its floor in calls/s), and then to just below the rate that was admitted; a box
// slowed by something else, with few calls coming, keeps its limit.
export interface RateGovernorOptions {
  /** The configured ceiling (calls/s). */
  max: number;
  /** Never below this (calls/s). */
  min?: number;
  /** p90 ARI round trip (ms) above which the limit is lowered. */
  slowMs?: number;
  /** p90 below which the limit may rise again. */
  fastMs?: number;
  /** Factor applied when slow. */
  decrease?: number;
  /** Share of `max` added per tick when fast. */
  increase?: number;
  /** Fewer round trips than this in a tick (and not 5 slow ones) say nothing about load: the limit creeps back up. */
  minSamples?: number;
  /** The tick's length (ms), to turn the calls admitted in a tick into calls/s. */
  tickMs?: number;
}

export class RateGovernor {
  private readonly o: Required<RateGovernorOptions>;
  private samples: number[] = [];
  private current: number;

  constructor(opts: RateGovernorOptions) {
    this.o = { min: Math.max(1, Math.round(opts.max / 20)), slowMs: 300, fastMs: 150, decrease: 0.8, increase: 0.05, minSamples: 20, tickMs: 500, ...opts };
    this.current = this.o.max;
  }

  get limit(): number {
    return this.current;
  }

  /** One ARI command's round trip, in ms. */
  observe(ms: number): void {
    if (this.samples.length < 10_000) this.samples.push(ms);
  }

  /**
   * Called at a fixed interval with the ages (ms) of the commands still under way and, when known,
   * how many calls entered the app since the last tick: the limit for the next one.
   */
  tick(pending: number[] = [], admitted?: number): number {
    const s = [...this.samples, ...pending].sort((a, b) => a - b);
    this.samples = [];
    const p90 = s.length ? s[Math.floor(s.length * 0.9)]! : 0;
    const up = Math.min(this.o.max, Math.ceil(this.current + this.o.max * this.o.increase));
    if (s.length >= 5 && p90 > this.o.slowMs) {
      if (admitted === undefined) this.current = Math.max(this.o.min, Math.floor(this.current * this.o.decrease));
      else {
        const rate = admitted / (this.o.tickMs / 1000);
        // Slow, but hardly any calls: not the calls' doing; keep the limit.
        if (rate >= this.o.min) this.current = Math.max(this.o.min, Math.floor(Math.min(this.current * this.o.decrease, rate * 0.9)));
      }
    } else if (s.length < this.o.minSamples || p90 < this.o.fastMs) this.current = up;
    return this.current;
  }
}
