// The console's blocked-numbers rules (app/web/components/blocking/block-rules.ts): the number as
// the server stores it (at least 5 digits), the reason, the end a preset stands for, and who may
// pick which end (agents: up to 30 days, never permanent).
import { expect } from 'chai';
import { untilProblem, untilRangeProblem } from '../../app/blocking/blocking.rules.js';
import { blockCreateBody } from '../../app/blocking/blocking.schemas.js';
import { blockableNumber, blockBody, blockProblems, canAddBlock, canManageBlocks, dayDisabled, endOfDay, mayBlockNumber, patchBlockBody, presetsFor, untilFor, WITHHELD, type BlockForm } from '../../app/web/components/blocking/block-rules.js';

const DAY = 86_400_000;
const now = new Date(2026, 11, 7, 10, 30); // 7 Dec 2026, 10:30 local
const form = (o: Partial<BlockForm> = {}): BlockForm => ({ number: '13800138000', reason: 'Abusive to agents', preset: '7d', day: null, ...o });

describe('console: blocked-numbers rules', () => {
  it('takes a phone number written any way, in the CRM\'s one form, and refuses fewer than 5 digits or letters', () => {
    expect(blockableNumber('+86 138-0013-8000')).to.equal('13800138000');
    expect(blockableNumber('008613800138000')).to.equal('13800138000');
    expect(blockableNumber('(010) 8888 1234')).to.equal('01088881234');
    expect(blockableNumber('95588')).to.equal('95588');
    expect(blockableNumber('+442079460958')).to.equal('+442079460958');
    for (const bad of ['12a', '123', '1234', '', '+1234', '12-34']) expect(blockableNumber(bad), bad).to.equal(null);
  });

  it('a withheld caller (anonymous, Restricted …) stands for the one block of every caller without a number, which only supervisors and admins set', () => {
    expect(blockableNumber('anonymous')).to.equal(WITHHELD);
    expect(blockableNumber('Restricted')).to.equal(WITHHELD);
    expect([mayBlockNumber('agent', WITHHELD), mayBlockNumber('supervisor', WITHHELD), mayBlockNumber('agent', '13800138000')]).to.deep.equal([false, true, true]);
    expect(blockProblems(form({ number: 'anonymous', preset: '7d' }), 'agent', now)).to.deep.equal({ number: 'withheldNeedsSupervisor' });
    expect(blockProblems(form({ number: WITHHELD, preset: 'permanent' }), 'supervisor', now)).to.deep.equal({});
    expect(blockBody(form({ number: WITHHELD, preset: 'permanent' }), now).number).to.equal(WITHHELD);
  });

  it('a preset stands for a time that many days ahead; permanent is null; a day ends at its last moment', () => {
    expect(untilFor('1d', now)).to.equal(new Date(now.getTime() + DAY).toISOString());
    expect(untilFor('7d', now)).to.equal(new Date(now.getTime() + 7 * DAY).toISOString());
    expect(untilFor('30d', now)).to.equal(new Date(now.getTime() + 30 * DAY).toISOString());
    expect(untilFor('permanent', now)).to.equal(null);
    expect(untilFor('date', now, new Date(2026, 11, 24))).to.equal(new Date(2026, 11, 24, 23, 59, 59, 999).toISOString());
    expect(endOfDay(new Date(2026, 11, 24, 8)).getHours()).to.equal(23);
  });

  it('agents add blocks up to 30 days (no permanent, no later day); supervisors and admins manage them; read-only users neither', () => {
    expect(presetsFor('agent')).to.deep.equal(['1d', '7d', '30d', 'date']);
    expect(presetsFor('supervisor')).to.deep.equal(['1d', '7d', '30d', 'permanent', 'date']);
    expect(presetsFor('admin')).to.include('permanent');
    expect([canAddBlock('agent'), canAddBlock('supervisor'), canAddBlock('admin'), canAddBlock('readonly')]).to.deep.equal([true, true, true, false]);
    expect([canManageBlocks('agent'), canManageBlocks('supervisor'), canManageBlocks('admin'), canManageBlocks('readonly')]).to.deep.equal([false, true, true, false]);
    expect(blockProblems(form({ preset: 'permanent' }), 'agent', now)).to.deep.equal({ until: 'needsSupervisor' });
    expect(blockProblems(form({ preset: 'permanent' }), 'supervisor', now)).to.deep.equal({});
    // Day 29 ahead ends within 30 days; day 30 ahead ends after now + 30 days (later that day).
    expect(blockProblems(form({ preset: 'date', day: new Date(2027, 0, 5) }), 'agent', now)).to.deep.equal({});
    expect(blockProblems(form({ preset: 'date', day: new Date(2027, 0, 6) }), 'agent', now)).to.deep.equal({ until: 'needsSupervisor' });
    expect(blockProblems(form({ preset: 'date', day: new Date(2027, 0, 6) }), 'supervisor', now)).to.deep.equal({});
    expect(blockProblems(form({ preset: 'date', day: new Date(2032, 0, 6) }), 'admin', now)).to.deep.equal({ until: 'dayTooFar' });
    expect(dayDisabled(new Date(2027, 0, 5), 'agent', now)).to.equal(false);
    expect(dayDisabled(new Date(2027, 0, 6), 'agent', now)).to.equal(true);
    expect(dayDisabled(new Date(2026, 11, 6), 'supervisor', now), 'yesterday').to.equal(true);
    expect(dayDisabled(new Date(2026, 11, 7), 'supervisor', now), 'today (until its end)').to.equal(false);
  });

  it('names each bad field as the server would: the number, a reason of 1–200 characters without control characters, a missing day', () => {
    expect(blockProblems(form({ number: '12a', reason: '  ' }), 'supervisor', now)).to.deep.equal({ number: 'number', reason: 'reason' });
    expect(blockProblems(form({ reason: 'x'.repeat(201) }), 'supervisor', now)).to.deep.equal({ reason: 'reason' });
    expect(blockProblems(form({ reason: 'x'.repeat(200) }), 'supervisor', now)).to.deep.equal({});
    expect(blockProblems(form({ reason: 'two\nlines' }), 'supervisor', now)).to.deep.equal({ reason: 'reason' });
    expect(blockProblems(form({ preset: 'date' }), 'supervisor', now)).to.deep.equal({ until: 'dayMissing' });
    expect(blockProblems(form({ number: '12a' }), 'supervisor', now, { withNumber: false })).to.deep.equal({});
  });

  it('sends the stored number, the trimmed reason and the end; a change sends only what changed', () => {
    expect(blockBody(form({ number: '+86 138 0013 8000', reason: '  Prank calls ', preset: 'permanent' }), now)).to.deep.equal({ number: '13800138000', reason: 'Prank calls', until: null });
    const was = { reason: 'Prank calls' };
    expect(patchBlockBody(was, { ...form({ reason: 'Prank calls ' }), preset: 'keep' }, now)).to.equal(null);
    expect(patchBlockBody(was, { ...form({ reason: 'Threats' }), preset: 'keep' }, now)).to.deep.equal({ reason: 'Threats' });
    expect(patchBlockBody(was, { ...form({ reason: 'Prank calls' }), preset: 'permanent' }, now)).to.deep.equal({ until: null });
  });

  it('what the page sends, the server takes: every preset a role is offered passes the server\'s schema and its role and range rules', () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      for (const preset of presetsFor(role)) {
        const body = blockBody(form({ number: '+86 138 0013 8000', preset, day: preset === 'date' ? new Date(2026, 11, 20) : null }), now);
        const parsed = blockCreateBody.safeParse(body);
        expect(parsed.success, `${role} ${preset}: ${JSON.stringify(body)}`).to.equal(true);
        const until = parsed.success ? (parsed.data.until ?? null) : null;
        expect(untilProblem(role, until, now), `${role} ${preset}`).to.equal(null);
        if (until) expect(untilRangeProblem(until, now), `${role} ${preset}`).to.equal(null);
      }
    }
    // And what the page refuses, the server refuses too.
    expect(blockCreateBody.safeParse({ number: '12a', reason: 'x' }).success).to.equal(false);
    expect(blockCreateBody.safeParse({ number: '1234', reason: 'x' }).success).to.equal(false);
    expect(blockCreateBody.safeParse({ number: '13800138000', reason: '   ' }).success).to.equal(false);
    expect(untilProblem('agent', null, now)).to.not.equal(null);
  });
});
