// The SIP front's rate as Hotline sets it (pure arithmetic; the front itself is exercised in
// test/integration/sip-front.test.ts against Kamailio and the real Asterisk).
import { expect } from 'chai';
import { FrontAdmission, frontInterval, frontRate } from '../../app/pbx/sip-front.js';

describe('SIP front rate', () => {
  it('turns calls a second into microseconds between two admitted calls, and back', () => {
    expect(frontInterval(200)).to.equal(5000); // the front's file default
    expect(frontInterval(325)).to.equal(3077);
    expect(frontRate(3077)).to.equal(325);
    for (let r = 1; r <= 1000; r++) expect(frontRate(frontInterval(r)), `${r} calls/s`).to.equal(r);
  });

  it('never asks for a zero or negative interval', () => {
    expect(frontInterval(0)).to.equal(1_000_000);
    expect(frontInterval(5_000_000)).to.equal(1);
    expect(frontRate(0)).to.equal(1_000_000);
  });
});

describe('FrontAdmission (the active node\'s side of the front; a fake front)', () => {
  const quiet = { warn: () => {}, info: () => {} } as unknown as ConstructorParameters<typeof FrontAdmission>[1];
  const fakeFront = () => {
    const f = { interval: 5000, refusedCount: 0, slowCount: 0, lateCount: 0, sets: [] as number[], down: false };
    const api = {
      setRate: async (r: number) => { if (f.down) throw new TypeError('fetch failed'); f.sets.push(r); f.interval = frontInterval(r); },
      rate: async () => { if (f.down) throw new TypeError('fetch failed'); return frontRate(f.interval); },
      refused: async () => { if (f.down) throw new TypeError('fetch failed'); return f.refusedCount; },
      slowRefused: async () => { if (f.down) throw new TypeError('fetch failed'); return f.slowCount; },
      lateRefused: async () => { if (f.down) throw new TypeError('fetch failed'); return f.lateCount; },
    };
    return { f, api: api as unknown as ConstructorParameters<typeof FrontAdmission>[0] };
  };
  const settle = () => new Promise((r) => setImmediate(r));

  it('counts only the refusals since its activation, across a restart of the front, and none of another node\'s', async () => {
    const { f, api } = fakeFront();
    const counted: number[] = [];
    const a = new FrontAdmission(api, quiet, (n) => counted.push(n));
    f.refusedCount = 40; // refused before this node was active
    a.activate(20);
    await settle();
    f.refusedCount = 55;
    await a.check(20);
    f.refusedCount = 3; // the front restarted and refused 3
    await a.check(20);
    expect(counted).to.deep.equal([15, 3]);
    a.deactivate();
    f.refusedCount = 90; // the other node's
    a.activate(20);
    await settle();
    f.refusedCount = 95;
    await a.check(20);
    expect(counted).to.deep.equal([15, 3, 5]);
  });

  it('sets the rate again when the front runs another (restarted), and shows a front that does not answer as down', async () => {
    const { f, api } = fakeFront();
    const a = new FrontAdmission(api, quiet, () => {});
    a.activate(20);
    await settle();
    expect(f.sets).to.deep.equal([20]);
    expect(a.link.up).to.equal(true);
    f.interval = 5000; // restarted: its file's 200 calls/s
    await a.check(20);
    await settle();
    expect(f.sets).to.deep.equal([20, 20]);
    f.down = true;
    await a.check(20);
    expect(a.link).to.include({ up: false, detail: 'fetch failed' });
    f.down = false;
    await a.check(20);
    expect(a.link.up).to.equal(true);
  });
  it('warns once a read-back with the calls the front refused because Asterisk was behind (slow answers, or none by the deadline) since the last one', async () => {
    const { f, api } = fakeFront();
    const warnings: Array<[unknown, string]> = [];
    const log = { warn: (o: unknown, m: string) => warnings.push([o, m]), info: () => {} } as unknown as ConstructorParameters<typeof FrontAdmission>[1];
    const a = new FrontAdmission(api, log, () => {});
    f.slowCount = 7; // before this node became active: not its to report
    f.lateCount = 4;
    a.activate(20);
    await settle();
    await a.check(20);
    expect(warnings).to.deep.equal([]);
    f.slowCount = 19;
    f.lateCount = 9;
    await a.check(20);
    await a.check(20); // nothing new
    f.lateCount = 11; // only late ones
    await a.check(20);
    expect(warnings.map((w) => w[0])).to.deep.equal([{ slow: 12, late: 5 }, { slow: 0, late: 2 }]);
    expect(warnings[0]![1]).to.match(/refused calls because Asterisk is behind/);
  });
});
