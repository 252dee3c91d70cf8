// The SIP front's rate as Hotline sets it (pure arithmetic; the front itself is exercised in
// test/integration/sip-front.test.ts against Kamailio and the real Asterisk).
import { expect } from 'chai';
import { frontInterval, frontRate } from '../../app/pbx/sip-front.js';

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
