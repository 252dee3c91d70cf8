// Sampling for QA tasks: ISO weeks (UTC), ceil(n %) of each agent's calls per week in the order of
// the recording id's SHA-256, every flagged call besides, and nothing picked twice.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { isoWeek, sampleRank, selectForRule, weekStart, type Candidate } from '../../app/qa/sampling.select.js';

describe('QA sampling selection', () => {
  it('ISO weeks: Monday 00:00 UTC starts one; the first week of a year holds its first Thursday', () => {
    expect(isoWeek(new Date('2026-12-06T23:59:59.999Z'))).to.equal('2026-W49'); // a Sunday
    expect(isoWeek(new Date('2026-12-07T00:00:00Z'))).to.equal('2026-W50'); // the Monday after
    expect(weekStart(new Date('2026-12-06T12:00:00Z')).toISOString()).to.equal('2026-11-30T00:00:00.000Z');
    expect(isoWeek(new Date('2021-01-03T12:00:00Z')), 'early January in the last year\'s week 53').to.equal('2020-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z')), 'late December in the next year\'s week 1').to.equal('2025-W01');
    expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).to.equal('2026-W01');
  });

  const monday = new Date('2026-11-30T08:00:00Z');
  const calls = (agent: string, n: number, start = monday): Candidate[] =>
    Array.from({ length: n }, (_, i) => ({ id: randomUUID(), agentId: agent, answeredAt: new Date(start.getTime() + i * 3_600_000), flagged: false }));

  it('takes ceil(n % × calls) per agent and week, lowest SHA-256 of the id first', () => {
    const a = calls('a', 7);
    const b = calls('b', 3);
    const picks = selectForRule([...a, ...b], 20, []);
    const ofA = picks.filter((p) => p.agentId === 'a').map((p) => p.recordingId);
    const lowest = (cs: Candidate[], k: number) => [...cs].sort((x, y) => sampleRank(x.id).localeCompare(sampleRank(y.id))).slice(0, k).map((c) => c.id);
    expect(ofA).to.deep.equal(lowest(a, 2)); // ceil(1.4)
    expect(picks.filter((p) => p.agentId === 'b').map((p) => p.recordingId)).to.deep.equal(lowest(b, 1)); // ceil(0.6)
    expect(picks.every((p) => p.reason === 'sample' && p.week === '2026-W49')).to.equal(true);
    expect(selectForRule([...a, ...b], 0, []), '0 %: none').to.deep.equal([]);
    expect(selectForRule(a, 100, []).length, '100 %: all').to.equal(7);
  });

  it('weeks are separate groups; flagged calls always get a task; nothing already tasked is picked again', () => {
    const w1 = calls('a', 4);
    const w2 = calls('a', 4, new Date('2026-12-07T08:00:00Z'));
    w1[2]!.flagged = true;
    const first = selectForRule([...w1, ...w2], 25, []);
    expect(first.filter((p) => p.reason === 'flagged').map((p) => p.recordingId)).to.deep.equal([w1[2]!.id]);
    expect(first.filter((p) => p.week === '2026-W49' && p.reason === 'sample')).to.have.length(1);
    expect(first.filter((p) => p.week === '2026-W50')).to.have.length(1);
    expect(first.filter((p) => p.reason === 'sample').map((p) => p.recordingId)).to.not.include(w1[2]!.id);
    expect(selectForRule([...w1, ...w2], 25, first), 'a second run').to.deep.equal([]);
    // Four more calls that week: the target grows to 2 and one more is sampled (the first stays).
    const more = calls('a', 4, new Date('2026-12-08T08:00:00Z'));
    const topUp = selectForRule([...w1, ...w2, ...more], 25, first);
    expect(topUp).to.have.length(1);
    expect(topUp[0]!.week).to.equal('2026-W50');
  });
});
