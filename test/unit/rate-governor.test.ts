// The adaptive admission rate (app/pbx/rate-governor.ts): while ARI's median round trip says the
// app is queueing and calls press, down to a little under the rate calls leave the app; back up
// quickly toward the limit before the cut when it is fast again and calls press, step by step
// otherwise; never above the configured ceiling or below its floor.
import { expect } from 'chai';
import { LagBaseline, RateGovernor } from '../../app/pbx/rate-governor.js';

// Explicit marks, so that retuning the defaults does not rewrite these cases.
const marks = { slowMs: 150, fastMs: 60, decrease: 0.8, drain: 0.9, increase: 0.02, tickMs: 500 };
const feed = (g: RateGovernor, ms: number, n: number) => {
  for (let i = 0; i < n; i++) g.observe(ms);
};

describe('RateGovernor', () => {
  it('stays at the ceiling while ARI answers fast', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    for (let t = 0; t < 10; t++) {
      feed(g, 5, 100);
      expect(g.tick([], 100, 100)).to.equal(200);
    }
  });

  it('a burst that only lifts the slowest tenth is not a queue: the limit stays', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 5, 80);
    feed(g, 1500, 20); // p90 slow, median fast
    expect(g.tick([], 100, 100)).to.equal(200);
  });

  it('under call pressure with a queue, drops to 90 % of the best rate calls left the app at, and drains', () => {
    const g = new RateGovernor({ max: 250, ...marks });
    feed(g, 5, 100);
    expect(g.tick([], 125, 110), 'fast: 250 admitted, 220 left').to.equal(250);
    feed(g, 400, 100);
    expect(g.tick([], 125, 100), 'median 400 ms: 0.9 x the best delivery of the window (220/s)').to.equal(198);
    feed(g, 400, 100);
    expect(g.tick([], 99, 95), 'still queueing: never raised, the best is still 220').to.equal(198);
    feed(g, 100, 100);
    expect(g.tick([], 80, 99), 'between the marks, fewer calls come than the limit: holds').to.equal(198);
    feed(g, 100, 100);
    expect(g.tick([], 99, 80), 'between the marks, fewer calls leave than come: holds').to.equal(198);
    feed(g, 20, 100);
    expect(g.tick([], 99, 99), 'fast again while calls press on the limit: half-way back to the 250 before the cut').to.equal(224);
  });

  it('after a stall, goes back half-way to the limit before the run of cuts each fast tick while calls press', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 1400, 100);
    expect(g.tick([], 100, 2), 'a stall: halved').to.equal(100);
    feed(g, 1400, 100);
    expect(g.tick([], 50, 2), 'the same stall, next tick: halved again').to.equal(50);
    const limits = [];
    for (let t = 0; t < 5; t++) {
      feed(g, 3, 100);
      limits.push(g.tick([], g.limit / 2, g.limit / 2)); // fast, and the limit binds
    }
    expect(limits, 'back toward 200 (the mark of the whole run of cuts), not 100').to.deep.equal([125, 163, 182, 191, 196]);
    feed(g, 1400, 100);
    expect(g.tick([], 98, 98), 'slow again: cut to 0.9 x the best delivery (196/s)').to.equal(176);
    feed(g, 3, 100);
    expect(g.tick([], 88, 88), 'a new run of cuts: the mark is now 196').to.equal(186);
  });

  it('fast again without calls pressing on the limit creeps back by 2 % of the ceiling', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 1400, 100);
    expect(g.tick([], 100, 2)).to.equal(100);
    feed(g, 3, 100);
    expect(g.tick([], 20, 20), '40 calls/s come, under the limit of 100').to.equal(104);
  });

  it('between the marks, while the limit binds and calls leave as fast as they come, probes upward at half the step', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 800, 100);
    expect(g.tick([], 50, 5), 'a deep first cut').to.equal(100);
    const limits = [];
    for (let t = 0; t < 5; t++) {
      feed(g, 100, 100); // median 100 ms: between the marks
      limits.push(g.tick([], g.limit / 2, g.limit / 2)); // the limit binds, all of it leaves
    }
    expect(limits, '+1 % of the ceiling a tick').to.deep.equal([102, 104, 106, 108, 110]);
    feed(g, 400, 100);
    expect(g.tick([], 55, 55), 'queueing again: 0.9 x the best delivery (110/s)').to.equal(99);
  });

  it('counts calls over the real time since the last tick: a timer that fired late does not inflate the rates', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 5, 100);
    g.tick([], 150, 150, 1000); // 1 s since the last tick, not 0.5: 150 calls/s, not 300
    expect(g.last).to.include({ enteredPerSecond: 150, leftPerSecond: 150 });
    feed(g, 400, 100);
    expect(g.tick([], 60, 60, 500), '0.9 x the best delivery, 150/s').to.equal(135);
  });

  it('never more than halves the limit in one tick, even when few calls leave (long menus)', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 800, 100);
    expect(g.tick([], 100, 5), '10 calls/s left of 200 admitted: halved, not cut to 9').to.equal(100);
    feed(g, 800, 100);
    expect(g.tick([], 50, 5)).to.equal(50);
  });

  it('without a delivery rate, lowers by a fifth while the median is slow, down to its floor, and recovers in steps', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 1500, 100);
    expect(g.tick()).to.equal(160);
    feed(g, 1500, 50);
    expect(g.tick()).to.equal(128);
    for (let t = 0; t < 20; t++) {
      feed(g, 1500, 50);
      g.tick();
    }
    expect(g.limit).to.equal(10); // max / 20
    feed(g, 5, 100);
    expect(g.tick()).to.equal(14); // + 2 % of the ceiling a tick
    for (let t = 0; t < 60; t++) {
      feed(g, 5, 100);
      g.tick();
    }
    expect(g.limit).to.equal(200);
  });

  it('counts commands still under way by their age: a stuck Asterisk lowers the limit without a single answer', () => {
    const g = new RateGovernor({ max: 100, ...marks });
    expect(g.tick([3000, 2800, 2500, 2000, 1500])).to.equal(80);
  });

  it('slow without calls coming (a box slowed by something else) keeps the limit', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 1500, 50);
    expect(g.tick([], 1, 1), '2 calls/s, under the floor of 10').to.equal(200);
    expect(g.last).to.include({ samples: 50, p50: 1500, enteredPerSecond: 2, leftPerSecond: 2, limit: 200 });
  });

  it('creeps up when there is too little traffic to judge', () => {
    const g = new RateGovernor({ max: 100, ...marks });
    feed(g, 1500, 50);
    expect(g.tick()).to.equal(80);
    feed(g, 200, 3);
    expect(g.tick()).to.equal(82);
  });
});

describe('admission lag of calls the dialplan runs (LagBaseline)', () => {
  it('takes a constant clock offset out and keeps the delay the box adds', () => {
    const b = new LagBaseline(30_000, 10);
    // Asterisk's clock 5 s behind: raw = 5000 + delay.
    expect(b.lag(5004, 0)).to.equal(0);
    expect(b.lag(5003, 100)).to.equal(0);
    expect(b.lag(5250, 200)).to.equal(247);
    // An overload longer than one span does not become the baseline: the earlier spans' minimum holds.
    for (let t = 30_000; t <= 120_000; t += 500) b.lag(5600, t);
    expect(b.lag(5600, 120_500)).to.equal(597);
  });
});
