// When scheduled reports run and which period each run covers (schedule-time.ts).
import { expect } from 'chai';
import { nextRun, periodOfRun } from '../../app/reports/schedule-time.js';

const iso = (d: Date) => d.toISOString();

describe('scheduled report timing', () => {
  it('daily at 08:00 Shanghai: the next 08:00 local after now, covering the previous local day', () => {
    const t = { frequency: 'daily' as const, time: '08:00', weekday: null, tz: 'Asia/Shanghai' };
    // 2026-12-03 07:59 in Shanghai is 2026-12-02 23:59 UTC.
    expect(iso(nextRun(t, Date.parse('2026-12-02T23:59:00Z')))).to.equal('2026-12-03T00:00:00.000Z');
    // Exactly at the run: the next day's.
    expect(iso(nextRun(t, Date.parse('2026-12-03T00:00:00Z')))).to.equal('2026-12-04T00:00:00.000Z');
    const p = periodOfRun(t, Date.parse('2026-12-03T00:00:00Z'));
    expect([iso(p.from), iso(p.to)]).to.deep.equal(['2026-12-01T16:00:00.000Z', '2026-12-02T16:00:00.000Z']);
  });

  it('weekly on Monday 07:30: the next Monday, covering the previous Monday-to-Monday week', () => {
    const t = { frequency: 'weekly' as const, time: '07:30', weekday: 1, tz: 'UTC' };
    // 2026-12-03 is a Thursday.
    const run = nextRun(t, Date.parse('2026-12-03T12:00:00Z'));
    expect(iso(run)).to.equal('2026-12-07T07:30:00.000Z');
    const p = periodOfRun(t, run.getTime());
    expect([iso(p.from), iso(p.to)]).to.deep.equal(['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z']);
    // Sunday 23:00 local: Monday is the next day.
    expect(iso(nextRun(t, Date.parse('2026-12-06T23:00:00Z')))).to.equal('2026-12-07T07:30:00.000Z');
  });

  it('keeps the local time across a daylight-saving change', () => {
    const t = { frequency: 'daily' as const, time: '06:00', weekday: null, tz: 'Europe/Berlin' };
    // Berlin leaves summer time on 2026-10-25: 06:00 is 04:00 UTC before, 05:00 UTC after.
    expect(iso(nextRun(t, Date.parse('2026-10-24T12:00:00Z')))).to.equal('2026-10-25T05:00:00.000Z');
    expect(iso(nextRun(t, Date.parse('2026-10-23T12:00:00Z')))).to.equal('2026-10-24T04:00:00.000Z');
  });
});
