// Blocked numbers, the pure part: what a block puts in Asterisk's database, how the copy is
// compared, and who may block for how long.
import { expect } from 'chai';
import { blockableNumber, blockKeys, blockValue, copyDiff, desiredCopy, isWithheldCaller, NEVER, WITHHELD, parseDatabaseShow, untilProblem, untilRangeProblem } from '../../app/blocking/blocking.rules.js';
import { blockCreateBody, blockPatchBody } from '../../app/blocking/blocking.schemas.js';

const now = new Date('2026-12-07T08:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

describe('blocked numbers: rules', () => {
  it('reads any spelling into the stored form; refuses what is not an outside number', () => {
    expect(blockableNumber('+86 138-0013-8000')).to.deep.equal({ number: '13800138000' });
    expect(blockableNumber('(010) 1234-5678')).to.deep.equal({ number: '01012345678' });
    expect(blockableNumber('95588')).to.deep.equal({ number: '95588' });
    expect(blockableNumber('8001')).to.have.property('problem').that.contains('at least 5 digits');
    expect(blockableNumber('call me')).to.deep.equal({ problem: 'not a phone number' });
  });

  it('callers who withhold their number: one block, keyed by every way trunks write them and the empty number; agents may not set it', () => {
    expect(blockableNumber('withheld')).to.deep.equal({ number: WITHHELD });
    expect(blockableNumber('Anonymous')).to.deep.equal({ number: WITHHELD });
    expect(blockableNumber('')).to.deep.equal({ problem: 'not a phone number' });
    const keys = blockKeys(WITHHELD);
    expect(keys).to.include.members(['n', 'nanonymous', 'nAnonymous', 'nANONYMOUS', 'nRestricted', 'nunknown', 'nPrivate', 'nunavailable']);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(['', ' anonymous ', 'Restricted', 'PRIVATE', 'unknown'].every(isWithheldCaller)).to.equal(true);
    expect(['13800138000', 'anon', '8001'].some(isWithheldCaller)).to.equal(false);
    expect(untilProblem('agent', days(1), now, WITHHELD)).to.contain('supervisor');
    expect(untilProblem('supervisor', null, now, WITHHELD)).to.equal(null);
    expect(desiredCopy([{ number: WITHHELD, until: null }], now).get('n')).to.equal(NEVER);
  });

  it('keys every spelling a trunk may send, each with the block\'s end', () => {
    expect(blockKeys('13800138000')).to.have.members(['n13800138000', 'n+8613800138000', 'n008613800138000', 'n8613800138000', 'n013800138000']);
    // A foreign number without its + would read as another number: not keyed.
    expect(blockKeys('+14155550100')).to.have.members(['n+14155550100', 'n0014155550100']);
    expect(blockValue(null)).to.equal(NEVER);
    expect(blockValue(new Date('2026-12-14T08:00:00.900Z'))).to.equal(String(Date.parse('2026-12-14T08:00:00Z') / 1000));
  });

  it('the copy holds only blocks not ended; the difference puts what is missing or changed and removes the rest', () => {
    const desired = desiredCopy([{ number: '13800138000', until: null }, { number: '95588', until: days(-1) }, { number: '+14155550100', until: days(2) }], now);
    expect(desired.get('n13800138000')).to.equal(NEVER);
    expect(desired.has('n95588')).to.equal(false);
    expect(desired.get('n+14155550100')).to.equal(blockValue(days(2)));
    const actual = parseDatabaseShow([
      `/hotline-blocked/n13800138000                     : ${NEVER}               `,
      '/hotline-blocked/n95588                           : 1700000000',
      `/hotline-blocked/n+14155550100                    : 1`,
      '/other-family/n13800138000 : 1',
      '3 results found.',
    ]);
    expect([...actual.keys()]).to.deep.equal(['n13800138000', 'n95588', 'n+14155550100']);
    const { put, del } = copyDiff(desired, actual);
    expect(del).to.deep.equal(['n95588']);
    expect(put.map(([k]) => k)).to.include('n+14155550100').and.not.include('n13800138000');
    expect(put).to.have.length(desired.size - 1);
    // Asterisk 22 may send the command output as one field with newlines.
    expect([...parseDatabaseShow(['/hotline-blocked/n1 : 2\n/hotline-blocked/n3 : 4']).entries()]).to.deep.equal([['n1', '2'], ['n3', '4']]);
  });

  it('agents block for at most 30 days, never permanently; supervisors and admins as they see fit', () => {
    expect(untilProblem('agent', null, now)).to.contain('supervisor');
    expect(untilProblem('agent', days(31), now)).to.contain('30 days');
    expect(untilProblem('agent', days(30), now)).to.equal(null);
    expect(untilProblem('supervisor', null, now)).to.equal(null);
    expect(untilProblem('admin', days(900), now)).to.equal(null);
    expect(untilRangeProblem(days(-0.001), now)).to.contain('future');
    expect(untilRangeProblem(days(6 * 366), now)).to.contain('5 years');
    expect(untilRangeProblem(days(365), now)).to.equal(null);
  });

  it('bodies: number read into its stored form, reason trimmed and required, until an ISO time or null', () => {
    expect(blockCreateBody.parse({ number: '+86 138 0013 8000', reason: ' rude ', until: '2026-12-14T08:00:00+08:00' })).to.deep.equal({ number: '13800138000', reason: 'rude', until: new Date('2026-12-14T00:00:00Z') });
    expect(blockCreateBody.safeParse({ number: '13800138000', reason: '' }).success).to.equal(false);
    expect(blockCreateBody.safeParse({ number: '13800138000', reason: 'x', until: 'next week' }).success).to.equal(false);
    expect(blockCreateBody.safeParse({ number: '13800138000', reason: 'x', extra: 1 }).success).to.equal(false);
    expect(blockPatchBody.safeParse({}).success).to.equal(false);
    expect(blockPatchBody.parse({ until: null })).to.deep.equal({ until: null });
  });
});
