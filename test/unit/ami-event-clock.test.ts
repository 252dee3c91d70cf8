// AmiEventClock: when an AMI event happened, from Asterisk's Timestamp, on Hotline's clock.
import { expect } from 'chai';
import { AmiEventClock } from '../../app/pbx/ami/event-clock.js';

const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
const event = (pbxMs: number) => ({ Event: 'AgentConnect', Timestamp: (pbxMs / 1000).toFixed(6) });

describe('AmiEventClock', () => {
  it('an event without a Timestamp (a PBX without timestampevents) is dated when read', () => {
    const clock = new AmiEventClock();
    expect(clock.stamp({ Event: 'AgentConnect' }, T0).getTime()).to.equal(T0);
    expect(clock.stamp({ Event: 'AgentConnect', Timestamp: 'soon' }, T0).getTime()).to.equal(T0);
  });

  it('events read late after a stall keep the times Asterisk gave them', () => {
    const clock = new AmiEventClock();
    // read within 2 ms for a while, then three events held 9 s by a stall
    for (let i = 0; i < 20; i++) clock.stamp(event(T0 + i * 100), T0 + i * 100 + 2);
    const late = [0, 1500, 3000].map((d) => clock.stamp(event(T0 + 5000 + d), T0 + 14_000 + d / 100).getTime());
    expect(late).to.deep.equal([T0 + 5002, T0 + 6502, T0 + 8002]);
  });

  it("a PBX whose clock is 90 s behind Hotline's: its events are moved onto Hotline's clock", () => {
    const clock = new AmiEventClock();
    const skew = 90_000;
    const at = (pbx: number, lag: number) => clock.stamp(event(pbx), pbx + skew + lag).getTime();
    expect(at(T0, 3)).to.equal(T0 + skew + 3);
    expect(at(T0 + 1000, 1)).to.equal(T0 + 1000 + skew + 1);
    // held 6 s in Hotline: dated by the PBX's time plus the offset learnt, not when read
    expect(at(T0 + 2000, 6000)).to.equal(T0 + 2000 + skew + 1);
  });

  it("never dates an event after it was read, and follows the PBX's clock stepping forward at once", () => {
    const clock = new AmiEventClock();
    expect(clock.stamp(event(T0), T0 + 5).getTime()).to.equal(T0 + 5);
    // the PBX's clock jumps 30 s ahead of Hotline's: its events would be in the future
    expect(clock.stamp(event(T0 + 31_000), T0 + 1000).getTime()).to.equal(T0 + 1000);
    expect(clock.stamp(event(T0 + 32_000), T0 + 2003).getTime()).to.equal(T0 + 2000);
  });

  it('forgets the lag of a minute ago: a PBX clock stepped back is followed within a minute', () => {
    const clock = new AmiEventClock();
    clock.stamp(event(T0), T0 + 1);
    // the PBX's clock now 20 s behind: for up to a minute its events are dated 20 s early ...
    expect(clock.stamp(event(T0 + 10_000 - 20_000), T0 + 10_000).getTime()).to.equal(T0 + 10_000 - 20_000 + 1);
    // ... then the offset is learnt again from what was read since: an event held 9 s by a stall
    // is dated by the PBX's time plus the new offset
    clock.stamp(event(T0 + 75_000 - 20_000), T0 + 75_002);
    expect(clock.stamp(event(T0 + 76_000 - 20_000), T0 + 85_000).getTime()).to.equal(T0 + 76_002);
  });
});
