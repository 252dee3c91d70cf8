// The campaigns' pure rules: calling hours in the campaign's timezone (open now? when next?),
// the campaign's status moves, what a dial status means, and whether a contact is called again.
import { expect } from 'chai';
import { afterNotFinal, dayIn, effectiveStatus, isOpen, mayMove, nextOpening, systemResultOf, zonedTime } from '../../app/campaign/campaign.rules.js';
import { callingHours, campaignCreateBody, contactResultBody } from '../../app/campaign/campaign.schemas.js';

const shanghai = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' };
const at = (iso: string) => new Date(iso);

describe('campaign calling hours', () => {
  it('open inside the hours on a listed day, in the campaign timezone (from inclusive, to exclusive)', () => {
    // Monday 2026-12-07: 09:00 Shanghai = 01:00 UTC.
    expect(isOpen(shanghai, at('2026-12-07T01:00:00Z'))).to.equal(true);
    expect(isOpen(shanghai, at('2026-12-07T00:59:00Z'))).to.equal(false);
    expect(isOpen(shanghai, at('2026-12-07T09:59:00Z'))).to.equal(true);
    expect(isOpen(shanghai, at('2026-12-07T10:00:00Z')), '18:00 is closed').to.equal(false);
    // Saturday 10:00 Shanghai.
    expect(isOpen(shanghai, at('2026-12-12T02:00:00Z'))).to.equal(false);
  });

  it('the next opening: now when open, later today, tomorrow, over the weekend', () => {
    const now = at('2026-12-07T03:00:00Z');
    expect(nextOpening(shanghai, now)).to.deep.equal(now);
    expect(nextOpening(shanghai, at('2026-12-07T00:30:00Z')).toISOString()).to.equal('2026-12-07T01:00:00.000Z');
    expect(nextOpening(shanghai, at('2026-12-07T11:00:00Z')).toISOString(), 'Monday evening: Tuesday 09:00').to.equal('2026-12-08T01:00:00.000Z');
    expect(nextOpening(shanghai, at('2026-12-11T12:00:00Z')).toISOString(), 'Friday evening: Monday').to.equal('2026-12-14T01:00:00.000Z');
    // Monday 07:00 UTC is already Monday 15:00 in Shanghai but still Sunday 23:00 in Los Angeles the day before.
    const la = { days: [7], from: '22:00', to: '23:30', timezone: 'America/Los_Angeles' };
    expect(isOpen(la, at('2026-12-07T07:00:00Z'))).to.equal(true);
    expect(nextOpening(la, at('2026-12-07T08:00:00Z')).toISOString(), 'next Sunday 22:00 PST').to.equal('2026-12-14T06:00:00.000Z');
  });

  it('across a daylight-saving change the local time is kept', () => {
    // Berlin moves to summer time on 2027-03-28 (Sunday): Monday 09:00 is 07:00 UTC, the Friday before 08:00 UTC.
    const berlin = { days: [1, 5], from: '09:00', to: '17:00', timezone: 'Europe/Berlin' };
    expect(nextOpening(berlin, at('2027-03-26T17:00:00Z')).toISOString()).to.equal('2027-03-29T07:00:00.000Z');
    expect(zonedTime(2027, 3, 26, 9 * 60, 'Europe/Berlin').toISOString()).to.equal('2027-03-26T08:00:00.000Z');
    expect(dayIn(at('2026-12-06T17:00:00Z'), 'Asia/Shanghai')).to.equal('2026-12-07');
  });

  it('the schema refuses hours that end before they start, a day twice, an unknown timezone', () => {
    expect(callingHours.safeParse({ ...shanghai, to: '08:00' }).success).to.equal(false);
    expect(callingHours.safeParse({ ...shanghai, days: [1, 1] }).success).to.equal(false);
    expect(callingHours.safeParse({ ...shanghai, timezone: 'Mars/Olympus' }).success).to.equal(false);
  });
});

describe('campaign statuses and results', () => {
  it('the campaign moves draft → running ⇄ paused → finished, and nothing leaves finished', () => {
    expect(mayMove('draft', 'running')).to.equal(true);
    expect(mayMove('running', 'paused')).to.equal(true);
    expect(mayMove('paused', 'running')).to.equal(true);
    expect(mayMove('draft', 'finished')).to.equal(true);
    expect(mayMove('draft', 'paused')).to.equal(false);
    expect(mayMove('finished', 'running')).to.equal(false);
    expect(mayMove('running', 'running')).to.equal(false);
  });

  it('a dial status gives the system result (null: connected, the agent gives one)', () => {
    expect(systemResultOf('ANSWER')).to.equal(null);
    expect(systemResultOf('NOANSWER')).to.equal('no_answer');
    expect(systemResultOf('CANCEL')).to.equal('no_answer');
    expect(systemResultOf('BUSY')).to.equal('busy');
    expect(systemResultOf('CONGESTION')).to.equal('failed');
    expect(systemResultOf('CHANUNAVAIL')).to.equal('failed');
    expect(systemResultOf('SOMETHING')).to.equal('failed');
  });

  it('a contact not finished is called again after retryMinutes, or unreached when the attempts are used', () => {
    const now = at('2026-12-07T03:00:00Z');
    expect(afterNotFinal(1, 3, 60, now)).to.deep.equal({ status: 'pending', nextAttemptAt: at('2026-12-07T04:00:00Z') });
    expect(afterNotFinal(3, 3, 60, now)).to.deep.equal({ status: 'unreached', nextAttemptAt: now });
    expect(afterNotFinal(1, 1, 60, now).status).to.equal('unreached');
  });

  it('a hold that ran out reads as pending', () => {
    const now = at('2026-12-07T03:00:00Z');
    expect(effectiveStatus('reserved', at('2026-12-07T03:00:01Z'), now)).to.equal('reserved');
    expect(effectiveStatus('reserved', at('2026-12-07T03:00:00Z'), now)).to.equal('pending');
    expect(effectiveStatus('done', null, now)).to.equal('done');
  });

  it('a definition needs a final result and no system code; a callback needs its time', () => {
    const base = { name: 'renew-2027', title: '续费回访', queue: 'sales', results: [{ code: 'renewed', label: '已续费', final: true, success: true }], callingHours: shanghai };
    expect(campaignCreateBody.parse(base)).to.deep.include({ maxAttempts: 3, retryMinutes: 60, holdMinutes: 15, script: '' });
    expect(campaignCreateBody.safeParse({ ...base, results: [{ code: 'later', label: 'Later', final: false }] }).success).to.equal(false);
    expect(campaignCreateBody.safeParse({ ...base, results: [{ code: 'busy', label: 'Busy', final: true }] }).success).to.equal(false);
    expect(contactResultBody.safeParse({ result: 'callback' }).success).to.equal(false);
    expect(contactResultBody.safeParse({ result: 'renewed', callbackAt: '2026-12-08T01:00:00Z' }).success).to.equal(false);
    expect(contactResultBody.parse({ result: 'callback', callbackAt: '2026-12-08T01:00:00+08:00' }).callbackAt).to.deep.equal(at('2026-12-07T17:00:00Z'));
  });
});
