import { expect } from 'chai';
import { periodBounds, periodOf } from '../../app/reports/report-time.js';

const iso = (b: [number, number] | null) => b && b.map((x) => new Date(x).toISOString());

describe('report period bounds (drill-down from a period row)', () => {
  it('gives the local hour, day, week and month of a label in the timezone', () => {
    expect(iso(periodBounds('2026-12-03 14:00', 'hour', 'Asia/Shanghai'))).to.deep.equal(['2026-12-03T06:00:00.000Z', '2026-12-03T07:00:00.000Z']);
    expect(iso(periodBounds('2026-12-03', 'day', 'Asia/Shanghai'))).to.deep.equal(['2026-12-02T16:00:00.000Z', '2026-12-03T16:00:00.000Z']);
    expect(iso(periodBounds('2026-11-30', 'week', 'UTC'))).to.deep.equal(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    expect(iso(periodBounds('2026-12', 'month', 'UTC'))).to.deep.equal(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    // A day of 23 hours (New York, clocks forward on 2026-03-08).
    const [a, b] = periodBounds('2026-03-08', 'day', 'America/New_York')!;
    expect((b - a) / 3_600_000).to.equal(23);
  });

  it('every instant of a period maps back to its label', () => {
    for (const [label, interval, tz] of [['2026-12-03 23:00', 'hour', 'Asia/Kolkata'], ['2026-12-31', 'day', 'Asia/Shanghai'], ['2026-02', 'month', 'Europe/Berlin']] as const) {
      const [a, b] = periodBounds(label, interval, tz)!;
      expect(periodOf(a, interval, tz)).to.equal(label);
      expect(periodOf(b - 1, interval, tz)).to.equal(label);
      expect(periodOf(b, interval, tz)).to.not.equal(label);
    }
  });

  it('refuses a label that is not one of the interval', () => {
    expect(periodBounds('2026-12-03', 'hour', 'UTC')).to.equal(null);
    expect(periodBounds('2026-12-01', 'week', 'UTC'), 'a Tuesday').to.equal(null);
    expect(periodBounds('2026-13', 'month', 'UTC')).to.equal(null);
    expect(periodBounds('2026-02-30', 'day', 'UTC')).to.equal(null);
    expect(periodBounds('yesterday', 'day', 'UTC')).to.equal(null);
  });
});
