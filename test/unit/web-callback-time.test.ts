// The time a scheduled callback (预约回电) is made, as the desk picks it
// (app/web/components/callbacks/callback-time.ts), checked as the server checks it.
import { expect } from 'chai';
import { createCallbackBody } from '../../app/acd/acd.schemas.js';
import { CALLBACK_PRESETS, CALLBACK_SCHEDULE_MAX_DAYS, callbackTime, callbackTimeProblem } from '../../app/web/components/callbacks/callback-time.js';

const now = new Date(2026, 11, 7, 10, 32, 10); // 7 Dec 2026, 10:32:10 local

describe('console: the time of a scheduled callback', () => {
  it('presets: an hour or three ahead rounded up to 5 minutes; tomorrow at 9:00 local; a picked time as picked', () => {
    expect(callbackTime('1h', now)).to.deep.equal(new Date(2026, 11, 7, 11, 35));
    expect(callbackTime('3h', now)).to.deep.equal(new Date(2026, 11, 7, 13, 35));
    expect(callbackTime('tomorrow9', now)).to.deep.equal(new Date(2026, 11, 8, 9, 0));
    expect(callbackTime('tomorrow9', new Date(2026, 11, 31, 23, 50))).to.deep.equal(new Date(2027, 0, 1, 9, 0));
    expect(callbackTime('pick', now, new Date(2026, 11, 9, 15, 0))).to.deep.equal(new Date(2026, 11, 9, 15, 0));
    expect(callbackTime('pick', now, null)).to.equal(null);
  });

  it('names a missing, past or too distant time; every preset is a time the server takes', () => {
    expect(callbackTimeProblem(null, now)).to.equal('missing');
    expect(callbackTimeProblem(new Date(now.getTime() - 1000), now)).to.equal('past');
    expect(callbackTimeProblem(new Date(now.getTime() + (CALLBACK_SCHEDULE_MAX_DAYS + 1) * 86_400_000), now)).to.equal('tooFar');
    const real = new Date();
    for (const p of CALLBACK_PRESETS.filter((x) => x !== 'pick')) {
      const at = callbackTime(p, real)!;
      expect(callbackTimeProblem(at, real), p).to.equal(null);
      expect(createCallbackBody.safeParse({ queue: 'q1', number: '13800138000', at: at.toISOString() }).success, p).to.equal(true);
    }
    expect(createCallbackBody.safeParse({ queue: 'q1', number: '13800138000', at: new Date(real.getTime() - 3_600_000).toISOString() }).success).to.equal(false);
  });
});
