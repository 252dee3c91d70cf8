// The adaptive admission rate (app/pbx/rate-governor.ts): down fast while ARI answers slowly,
// back up step by step when it is fast again, never above the configured ceiling or below its floor.
import { expect } from 'chai';
import { RateGovernor } from '../../app/pbx/rate-governor.js';

// Explicit marks, so that retuning the defaults does not rewrite these cases.
const marks = { slowMs: 300, fastMs: 150, decrease: 0.8 };
const feed = (g: RateGovernor, ms: number, n: number) => {
  for (let i = 0; i < n; i++) g.observe(ms);
};

describe('RateGovernor', () => {
  it('stays at the ceiling while ARI answers fast', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    for (let t = 0; t < 10; t++) {
      feed(g, 5, 100);
      expect(g.tick()).to.equal(200);
    }
  });

  it('lowers the limit while the 90th percentile round trip is slow, down to its floor, and recovers in steps', () => {
    const g = new RateGovernor({ max: 200, ...marks });
    feed(g, 5, 80);
    feed(g, 1500, 20); // p90 slow
    expect(g.tick()).to.equal(160);
    feed(g, 1500, 50);
    expect(g.tick()).to.equal(128);
    for (let t = 0; t < 20; t++) {
      feed(g, 1500, 50);
      g.tick();
    }
    expect(g.limit).to.equal(10); // max / 20
    feed(g, 5, 100);
    expect(g.tick()).to.equal(20); // + 5 % of the ceiling a tick
    for (let t = 0; t < 30; t++) {
      feed(g, 5, 100);
      g.tick();
    }
    expect(g.limit).to.equal(200);
  });

  it('counts commands still under way by their age: a stuck Asterisk lowers the limit without a single answer', () => {
    const g = new RateGovernor({ max: 100, ...marks });
    expect(g.tick([3000, 2800, 2500, 2000, 1500])).to.equal(80);
  });

  it('under call pressure, lowers the limit to just below the rate that was admitted; slow without calls coming, keeps it', () => {
    const g = new RateGovernor({ max: 200, ...marks, tickMs: 500 });
    feed(g, 1500, 50);
    expect(g.tick([], 1), 'slow, 2 calls/s (under the floor of 10): a box slowed by something else').to.equal(200);
    feed(g, 1500, 50);
    expect(g.tick([], 75), 'slow at 150 calls/s admitted: 90 % of that').to.equal(135);
    feed(g, 1500, 50);
    expect(g.tick([], 60), 'still slow at 120 calls/s: 0.8 of the limit is lower than 90 % of the rate').to.equal(108);
    feed(g, 1500, 50);
    expect(g.tick([], 3), 'the calls stopped coming: the limit stays').to.equal(108);
    feed(g, 5, 100);
    expect(g.tick([], 3), 'fast again: back up a step').to.equal(118);
  });

  it('holds the limit between the fast and the slow mark, and creeps up when there is too little traffic to judge', () => {
    const g = new RateGovernor({ max: 100, ...marks });
    feed(g, 1500, 50);
    expect(g.tick()).to.equal(80);
    feed(g, 200, 50);
    expect(g.tick()).to.equal(80);
    feed(g, 200, 3);
    expect(g.tick()).to.equal(85);
  });
});
