// Adaptive admission by rate: the dialplan lets at most HOTLINE_MAX_RATE calls a second into the
// Stasis app (admission.ts). HOTLINE_MAX_CALLS_PER_SECOND is the ceiling; how many calls the box
// can really carry changes with what else runs on it, so the active node paces admission at the
// rate the app actually gets calls through (as TCP BBR paces at the delivery rate it measures):
//   - queueing is read from the MEDIAN ARI round trip of a tick (commands still under way count
//     with their age). A burst lifts the 90th percentile of a healthy box for a tick; a queue that
//     grows lifts the median, tick after tick, and that is where the collapse starts (a call needs
//     three commands; at a median of 0.15 s a caller already waits half a second more);
//   - while it queues and calls press (at least the floor in calls/s came in), the limit drops to
//     a little under the rate at which calls LEFT the app (the best of the last ticks): that is
//     what the box carries now, and admitting less than it drains the queue. Cutting by a fixed
//     factor instead either cut too little (the queue kept growing) or far too much (measured:
//     ≈ 77 of a clean 200 calls/s completed, docs/benchmarks.md);
//   - once the median is low again, the limit creeps back up by a small share of the ceiling a
//     tick, probing for more; between the two marks it probes at half that pace while the limit
//     binds and calls leave as fast as they are let in, and otherwise holds.
// Only calls are its business: a box slowed by something else, with few calls coming, keeps its
// limit. Calls the dialplan runs by itself (compiled flows) make no ARI round trips: for them the
// delay from admission to the flow's first event counts as a round trip (LagBaseline, below), and
// their entering and hanging up count as entering and leaving.
export interface RateGovernorOptions {
  /** The configured ceiling (calls/s). */
  max: number;
  /** Never below this (calls/s). */
  min?: number;
  /** Median ARI round trip (ms) above which the app is queueing: the limit drops. */
  slowMs?: number;
  /** Median below which the limit may rise again. */
  fastMs?: number;
  /** Share of the delivery rate admitted while queueing (below 1: the queue drains). */
  drain?: number;
  /** When the delivery rate is unknown (no calls left the app yet): factor applied to the limit. */
  decrease?: number;
  /** Share of `max` added per tick when fast. */
  increase?: number;
  /** Fewer round trips than this in a tick say nothing about load: the limit creeps back up. */
  minSamples?: number;
  /** The tick's length (ms), to turn calls counted in a tick into calls/s. */
  tickMs?: number;
  /** Ticks over which the best delivery rate is kept. */
  window?: number;
}

export interface TickStats {
  samples: number;
  p50: number;
  p90: number;
  /** calls/s that entered / left the app in the tick. */
  enteredPerSecond: number;
  leftPerSecond: number;
  limit: number;
}

export class RateGovernor {
  private readonly o: Required<RateGovernorOptions>;
  private samples: number[] = [];
  private current: number;
  private delivered: number[] = [];
  /** The limit before the last slow spell's first cut: where a fast box goes back to quickly (tick). */
  private beforeCut = 0;
  /** Inside a slow spell (consecutive slow ticks) that has cut already: its later cuts keep the mark. */
  private marked = false;
  /** What the last tick saw (for logs and metrics). */
  last: TickStats | undefined;

  constructor(opts: RateGovernorOptions) {
    this.o = {
      min: Math.max(1, Math.round(opts.max / 20)), slowMs: 150, fastMs: 60, drain: 0.9, decrease: 0.8, increase: 0.02,
      minSamples: 20, tickMs: 500, window: 4, ...opts,
    };
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
   * how many calls entered and left the app since the last tick (elapsedMs ago): the limit for the next one.
   */
  tick(pending: number[] = [], entered?: number, left?: number, elapsedMs = this.o.tickMs): number {
    const s = [...this.samples, ...pending].sort((a, b) => a - b);
    this.samples = [];
    const at = (q: number): number => (s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))]! : 0);
    const [p50, p90] = [at(0.5), at(0.9)];
    // A busy event loop runs the timer late: the calls counted came in over the real time since the last tick.
    const perSecond = (n: number): number => n / (Math.max(elapsedMs, 1) / 1000);
    if (left !== undefined) {
      this.delivered.push(perSecond(left));
      if (this.delivered.length > this.o.window) this.delivered.shift();
    }
    // Calls come at (nearly) the limit: it binds.
    const pressing = entered !== undefined && perSecond(entered) >= 0.9 * this.current;
    const slow = s.length >= 5 && p50 > this.o.slowMs;
    if (!slow) this.marked = false;
    if (slow) {
      if (entered === undefined) this.cut(this.current * this.o.decrease);
      // Slow, but hardly any calls: not the calls' doing; keep the limit.
      else if (perSecond(entered) >= this.o.min) {
        // At most halved a tick: with calls that stay long in the app (menus), fewer leave than
        // the box could take, and the delivery rate alone would cut too deep.
        const best = Math.max(0, ...this.delivered);
        const target = best > 0 ? Math.max(best * this.o.drain, this.current * 0.5) : this.current * this.o.decrease;
        this.cut(Math.min(this.current, target));
      }
    } else if (s.length < this.o.minSamples || p50 < this.o.fastMs) {
      // Fast again while calls press on the limit: back toward the limit before the cut, half
      // the way a tick. A cut is often a transient (a stall of a few seconds as an overload
      // begins: measured, docs/benchmarks.md); creeping back at 2 % of the ceiling a tick then
      // kept the limit at a third to two thirds of what the box carried for the whole overload.
      // A box that really cannot carry it queues again, and that slow spell marks the limit it reached.
      const back = pressing && this.beforeCut > this.current ? (this.beforeCut - this.current) / 2 / this.o.max : 0;
      this.raise(Math.max(this.o.increase, back));
    } else if (pressing && left !== undefined && perSecond(left) >= 0.9 * this.current) {
      // Between the marks while the limit binds and the app lets out what it lets in: probe
      // upward at half the step. A box busy with the callers' SIP and the refusals answers
      // ARI in 60-150 ms at a rate it still carries; holding there after a deep first cut kept
      // 84 of a clean 200 calls/s for the whole overload (measured, docs/benchmarks.md).
      this.raise(this.o.increase / 2);
    }
    this.last = {
      samples: s.length, p50: Math.round(p50), p90: Math.round(p90), limit: this.current,
      enteredPerSecond: entered === undefined ? NaN : perSecond(entered), leftPerSecond: left === undefined ? NaN : perSecond(left),
    };
    return this.current;
  }

  private raise(share: number): void {
    this.current = Math.min(this.o.max, Math.ceil(this.current + this.o.max * share));
  }

  private cut(to: number): void {
    const next = Math.max(this.o.min, Math.floor(to));
    if (next >= this.current) return;
    if (!this.marked) this.beforeCut = this.current;
    this.marked = true;
    this.current = next;
  }
}

/**
 * How late a call reaches a step (for calls the dialplan runs: admission time to the flow's first
 * event, both on Asterisk's clock when its events carry a Timestamp, dialplan-control.ts): the raw
 * difference less the least one seen over the last `windowMs`, so only the delay the box adds
 * remains (what a step takes at best drops out, and where the read time must stand in, a clock
 * offset between Asterisk and Hotline on another host cancels out). The baseline is the minimum
 * of `buckets` spans, so a long overload does not become the new normal within one span.
 */
export class LagBaseline {
  private readonly minima: number[] = [];
  private spanStart: number | undefined;
  private spanMin = Infinity;

  constructor(
    private readonly spanMs = 30_000,
    private readonly buckets = 10,
  ) {}

  /** The delay (ms, never below 0) of one observation of `rawMs` (arrival minus the stamp) at `now`. */
  lag(rawMs: number, now: number): number {
    if (this.spanStart === undefined) this.spanStart = now;
    if (now - this.spanStart >= this.spanMs) {
      this.minima.push(this.spanMin);
      if (this.minima.length > this.buckets) this.minima.shift();
      this.spanStart = now;
      this.spanMin = Infinity;
    }
    this.spanMin = Math.min(this.spanMin, rawMs);
    return Math.max(0, rawMs - Math.min(this.spanMin, ...this.minima));
  }
}
