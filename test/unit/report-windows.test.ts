// The weekday and time-of-day filter of the reports: the UTC windows of a range (DST-safe), the
// agent time clipped to them, and the sentence stating the filter.
import { expect } from 'chai';
import { agentTimes } from '../../app/reports/agent-time.js';
import { dayFilterText, dayRangeProblem, dayWindows, parseDayTime, weekdaysText, type DayFilter } from '../../app/reports/report-windows.js';
import { scheduleBody } from '../../app/reports/schedules.schemas.js';

const iso = (w: Array<[number, number]>) => w.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]);
const f = (weekdays: number[] | null, start: string, end: string): DayFilter => ({ weekdays, dayStart: parseDayTime(start, false)!, dayEnd: parseDayTime(end, true)! });
const at = (s: string) => Date.parse(s);

describe('report day filter: windows of a range on chosen weekdays and times of day', () => {
  it('Asia/Shanghai, Mon–Fri 08:00–18:00 over a week from a Thursday: one window per weekday, in UTC', () => {
    // 2026-12-03 is a Thursday; local midnight is 16:00 UTC the day before.
    const w = dayWindows(at('2026-12-03T00:00:00+08:00'), at('2026-12-10T00:00:00+08:00'), 'Asia/Shanghai', f([1, 2, 3, 4, 5], '08:00', '18:00'));
    expect(iso(w)).to.deep.equal([
      ['2026-12-03T00:00:00.000Z', '2026-12-03T10:00:00.000Z'], // Thu
      ['2026-12-04T00:00:00.000Z', '2026-12-04T10:00:00.000Z'], // Fri
      ['2026-12-07T00:00:00.000Z', '2026-12-07T10:00:00.000Z'], // Mon
      ['2026-12-08T00:00:00.000Z', '2026-12-08T10:00:00.000Z'], // Tue
      ['2026-12-09T00:00:00.000Z', '2026-12-09T10:00:00.000Z'], // Wed
    ]);
  });

  it('America/New_York across the end of DST (2025-11-02): 08:00 local is 12:00 UTC before and 13:00 UTC after', () => {
    const w = dayWindows(at('2025-10-31T00:00:00-04:00'), at('2025-11-04T00:00:00-05:00'), 'America/New_York', f(null, '08:00', '18:00'));
    expect(iso(w)).to.deep.equal([
      ['2025-10-31T12:00:00.000Z', '2025-10-31T22:00:00.000Z'],
      ['2025-11-01T12:00:00.000Z', '2025-11-01T22:00:00.000Z'],
      ['2025-11-02T13:00:00.000Z', '2025-11-02T23:00:00.000Z'],
      ['2025-11-03T13:00:00.000Z', '2025-11-03T23:00:00.000Z'],
    ]);
  });

  it('America/New_York across the start of DST (2026-03-08): the short Sunday is 23 hours long, whole days join into one window', () => {
    const w = dayWindows(at('2026-03-06T00:00:00-05:00'), at('2026-03-10T00:00:00-04:00'), 'America/New_York', f([6, 7], '00:00', '24:00'));
    // Saturday 00:00 EST to Monday 00:00 EDT: one window of 47 hours.
    expect(iso(w)).to.deep.equal([['2026-03-07T05:00:00.000Z', '2026-03-09T04:00:00.000Z']]);
    expect((w[0]![1] - w[0]![0]) / 3_600_000).to.equal(47);
    // Times of day on the short day: 01:00–04:00 local is two hours of real time.
    const short = dayWindows(at('2026-03-08T00:00:00-05:00'), at('2026-03-09T00:00:00-04:00'), 'America/New_York', f(null, '01:00', '04:00'));
    expect(iso(short)).to.deep.equal([['2026-03-08T06:00:00.000Z', '2026-03-08T08:00:00.000Z']]);
  });

  it('week boundaries: Sunday and Monday in UTC, Sunday evening local is Monday in UTC (Asia/Shanghai) and vice versa (America/New_York)', () => {
    // 2026-12-06 is a Sunday, 2026-12-07 a Monday.
    expect(iso(dayWindows(at('2026-12-05T00:00:00Z'), at('2026-12-09T00:00:00Z'), 'UTC', f([7, 1], '00:00', '24:00')))).to.deep.equal([['2026-12-06T00:00:00.000Z', '2026-12-08T00:00:00.000Z']]);
    // Monday 00:00–02:00 in Shanghai is Sunday 16:00–18:00 UTC.
    expect(iso(dayWindows(at('2026-12-06T00:00:00+08:00'), at('2026-12-08T00:00:00+08:00'), 'Asia/Shanghai', f([1], '00:00', '02:00')))).to.deep.equal([['2026-12-06T16:00:00.000Z', '2026-12-06T18:00:00.000Z']]);
    // Sunday 22:00–24:00 in New York is Monday 03:00–05:00 UTC.
    expect(iso(dayWindows(at('2026-12-06T00:00:00-05:00'), at('2026-12-08T00:00:00-05:00'), 'America/New_York', f([7], '22:00', '24:00')))).to.deep.equal([['2026-12-07T03:00:00.000Z', '2026-12-07T05:00:00.000Z']]);
  });

  it('clips to a range that starts and ends mid-day; no filter is the range itself; no matching day is no window', () => {
    const from = at('2026-12-03T09:30:00+08:00');
    const to = at('2026-12-04T12:00:00+08:00');
    expect(iso(dayWindows(from, to, 'Asia/Shanghai', f(null, '08:00', '18:00')))).to.deep.equal([['2026-12-03T01:30:00.000Z', '2026-12-03T10:00:00.000Z'], ['2026-12-04T00:00:00.000Z', '2026-12-04T04:00:00.000Z']]);
    expect(dayWindows(from, to, 'Asia/Shanghai', f(null, '00:00', '24:00'))).to.deep.equal([[from, to]]);
    expect(dayWindows(from, to, 'Asia/Shanghai', f([6, 7], '00:00', '24:00'))).to.deep.equal([]);
  });

  it('reads times of day on 15-minute boundaries only; 24:00 only as an end', () => {
    expect([parseDayTime('08:00', false), parseDayTime('17:45', true), parseDayTime('24:00', true)]).to.deep.equal([480, 1065, 1440]);
    for (const bad of ['08:10', '8:00', '24:00', '25:00', '12:60', 'noon']) expect(parseDayTime(bad, false), bad).to.equal(null);
  });

  it('one rule for a bad time-of-day range, the same words for a report query and a schedule', () => {
    expect(dayRangeProblem(undefined, undefined)).to.equal(null);
    expect(dayRangeProblem('08:00', '24:00')).to.equal(null);
    expect(dayRangeProblem('24:00', null)).to.deep.include({ field: 'dayStart' });
    expect(dayRangeProblem('08:10', null)!.message).to.match(/not a start of day/);
    for (const [start, end] of [['18:00', '08:00'], ['10:00', '10:00'], [null, '00:00']] as const) {
      const problem = dayRangeProblem(start, end)!;
      expect(problem.field).to.equal('dayEnd');
      const body = { name: 'x', frequency: 'daily', time: '08:00', reports: ['summary'], recipients: ['a@example.com'], dayStart: start, dayEnd: end };
      const parsed = scheduleBody.safeParse(body);
      expect(parsed.success).to.equal(false);
      const issue = parsed.error!.issues.find((i) => i.path[0] === 'dayEnd');
      expect(issue?.message, JSON.stringify(parsed.error!.issues)).to.equal(problem.message);
    }
  });

  it('states the filter in both languages', () => {
    expect(dayFilterText(f([1, 2, 3, 4, 5], '08:00', '18:00'), 'Asia/Shanghai', 'en')).to.equal('weekdays Mon–Fri, 08:00–18:00 (local time in Asia/Shanghai)');
    expect(dayFilterText(f([1, 2, 3, 4, 5], '08:00', '18:00'), 'Asia/Shanghai', 'zh-CN')).to.equal('仅周一至周五，08:00–18:00（Asia/Shanghai 当地时间）');
    expect(dayFilterText(f(null, '00:00', '24:00'), 'UTC', 'en')).to.equal('every day, all day (local time in UTC)');
    expect(weekdaysText([7, 1, 3, 6], 'en')).to.equal('Mon, Wed, Sat–Sun');
    expect(weekdaysText([7, 1, 3, 6], 'zh-CN')).to.equal('周一、周三、周六至周日');
  });

  it('agent time counts only inside the windows', () => {
    const d = (h: number) => at(`2026-12-03T${String(h).padStart(2, '0')}:00:00Z`);
    const changes = [
      { agentId: 'a', state: 'available', reason: '', at: new Date(d(7)) },
      { agentId: 'a', state: 'break', reason: 'lunch', at: new Date(d(12)) },
      { agentId: 'a', state: 'available', reason: '', at: new Date(d(13)) },
      { agentId: 'a', state: 'logged_out', reason: '', at: new Date(d(19)) },
    ];
    const t = agentTimes(changes, d(0), d(24), d(24) + 86_400_000, [[d(8), d(12) + 1_800_000], [d(17), d(18)]]).get('a')!;
    expect([t.loggedInSeconds, t.readySeconds, t.breakSeconds, t.breakByReason]).to.deep.equal([5.5 * 3600, 5 * 3600, 1800, { lunch: 1800 }]);
  });
});
