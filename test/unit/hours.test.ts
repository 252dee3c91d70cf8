import { expect } from 'chai';
import { isOpen, localTime, type Hours } from '../../app/ivr/hours.js';

const at = (iso: string) => new Date(iso);

describe('business hours', () => {
  const shanghai: Hours = {
    timezone: 'Asia/Shanghai',
    weekly: {
      mon: [['09:00', '12:00'], ['13:00', '18:00']],
      tue: [['09:00', '18:00']],
      thu: [['00:00', '23:59']],
      fri: [['09:00', '18:00']],
    },
    holidays: ['2026-10-01', '2026-12-25'],
  };

  it('reads the local date, weekday and time with Intl', () => {
    expect(localTime('Asia/Shanghai', at('2026-11-23T08:30:00Z'))).to.deep.equal({ date: '2026-11-23', weekday: 'mon', time: '16:30' });
    // 20:00 UTC on Sunday is already Monday 04:00 in Shanghai, and still Sunday 15:00 in New York.
    expect(localTime('Asia/Shanghai', at('2026-11-22T20:00:00Z'))).to.deep.equal({ date: '2026-11-23', weekday: 'mon', time: '04:00' });
    expect(localTime('America/New_York', at('2026-11-22T20:00:00Z'))).to.deep.equal({ date: '2026-11-22', weekday: 'sun', time: '15:00' });
  });

  it('prints local midnight as 00:00', () => {
    expect(localTime('Asia/Shanghai', at('2026-11-23T16:00:00Z')).time).to.equal('00:00');
  });

  it('is open on Monday 16:30 in Shanghai (08:30 UTC)', () => {
    expect(isOpen(shanghai, at('2026-11-23T08:30:00Z'))).to.equal(true);
  });

  it('is closed during the lunch break and on a day without hours', () => {
    expect(isOpen(shanghai, at('2026-11-23T04:30:00Z'))).to.equal(false); // Mon 12:30
    expect(isOpen(shanghai, at('2026-11-25T04:00:00Z'))).to.equal(false); // Wed 12:00, no wed hours
    expect(isOpen(shanghai, at('2026-11-28T04:00:00Z'))).to.equal(false); // Sat
  });

  it('includes the start minute and excludes the end minute', () => {
    expect(isOpen(shanghai, at('2026-11-24T00:59:59Z'))).to.equal(false); // Tue 08:59:59
    expect(isOpen(shanghai, at('2026-11-24T01:00:00Z'))).to.equal(true); // Tue 09:00
    expect(isOpen(shanghai, at('2026-11-24T09:59:59Z'))).to.equal(true); // Tue 17:59:59
    expect(isOpen(shanghai, at('2026-11-24T10:00:00Z'))).to.equal(false); // Tue 18:00
    expect(isOpen(shanghai, at('2026-11-23T05:00:00Z'))).to.equal(true); // Mon 13:00, second interval starts
    expect(isOpen(shanghai, at('2026-11-23T04:00:00Z'))).to.equal(false); // Mon 12:00, first interval ends
  });

  it('is closed all day on a holiday, judged by the local date', () => {
    expect(isOpen(shanghai, at('2026-10-01T02:00:00Z'))).to.equal(false); // Thu 10:00 local, holiday
    expect(isOpen(shanghai, at('2026-09-30T17:00:00Z'))).to.equal(false); // still Sep 30 in UTC, Oct 1 01:00 local
    expect(isOpen(shanghai, at('2026-09-30T15:59:00Z'))).to.equal(false); // Wed 23:59 local: no wed hours
    expect(isOpen(shanghai, at('2026-10-01T16:30:00Z'))).to.equal(false); // Fri Oct 2 00:30 local: before 09:00
    expect(isOpen(shanghai, at('2026-10-02T01:00:00Z'))).to.equal(true); // Fri Oct 2 09:00 local: not a holiday
    expect(isOpen(shanghai, at('2026-12-24T02:00:00Z'))).to.equal(true); // Thu Dec 24 10:00
    expect(isOpen(shanghai, at('2026-12-25T02:00:00Z'))).to.equal(false); // Fri Dec 25 10:00, holiday
  });

  describe('Europe/Berlin across the switch to summer time (Sunday 29 March 2026)', () => {
    const berlin: Hours = {
      timezone: 'Europe/Berlin',
      weekly: { mon: [['09:00', '17:00']], sat: [['09:00', '13:00']], sun: [['01:00', '03:30']] },
      holidays: [],
    };

    it('opens at 09:00 local on both sides: 08:00 UTC before, 07:00 UTC after', () => {
      expect(isOpen(berlin, at('2026-03-28T07:59:00Z'))).to.equal(false); // Sat 08:59 CET
      expect(isOpen(berlin, at('2026-03-28T08:00:00Z'))).to.equal(true); // Sat 09:00 CET
      expect(isOpen(berlin, at('2026-03-30T06:59:00Z'))).to.equal(false); // Mon 08:59 CEST
      expect(isOpen(berlin, at('2026-03-30T07:00:00Z'))).to.equal(true); // Mon 09:00 CEST
      expect(isOpen(berlin, at('2026-03-30T14:59:00Z'))).to.equal(true); // Mon 16:59 CEST
      expect(isOpen(berlin, at('2026-03-30T15:00:00Z'))).to.equal(false); // Mon 17:00 CEST
    });

    it('jumps from 01:59 to 03:00 on the night of the change', () => {
      expect(localTime('Europe/Berlin', at('2026-03-29T00:59:00Z')).time).to.equal('01:59');
      expect(localTime('Europe/Berlin', at('2026-03-29T01:00:00Z')).time).to.equal('03:00');
      expect(isOpen(berlin, at('2026-03-29T00:30:00Z'))).to.equal(true); // 01:30 CET
      expect(isOpen(berlin, at('2026-03-29T01:15:00Z'))).to.equal(true); // 03:15 CEST
      expect(isOpen(berlin, at('2026-03-29T01:30:00Z'))).to.equal(false); // 03:30 CEST, end excluded
      expect(isOpen(berlin, at('2026-03-28T23:59:00Z'))).to.equal(false); // Sun 00:59 CET
    });
  });

  it('throws a RangeError for an unknown timezone', () => {
    expect(() => isOpen({ timezone: 'Mars/Olympus', weekly: {}, holidays: [] }, at('2026-01-01T00:00:00Z'))).to.throw(RangeError);
  });
});
