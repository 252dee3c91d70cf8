import { expect } from 'chai';
import { resolveDefinitions, sumQueueCounters, queueFigures } from '../../app/reports/definitions.js';
import { agentTimes } from '../../app/reports/agent-time.js';
import { callerRegionSync } from '../../app/reports/region.js';
import { parseReportTime, periodOf, validTimezone } from '../../app/reports/report-time.js';
import { factsFromLegs, rollupRows, type QueueLeg } from '../../app/reports/rollup.js';

const t = (s: string) => new Date(`2026-12-03T${s}Z`);
const leg = (p: Partial<QueueLeg>): QueueLeg => ({ id: p.id ?? 'x', source: 'hotline', queue: 'A', uniqueid: 'u1', callerNumber: '13912345678', joinedAt: t('10:00:00'), answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, holdSeconds: null, talkSeconds: null, disposition: '', ...p });

describe('report rollups', () => {
  const defs = resolveDefinitions({ serviceLevelSeconds: 10, shortAbandonSeconds: 5, shortAbandonTreatment: 'excluded' });

  it('classifies a caller that left A for B as overflowed in A and counts the call once', () => {
    const legs = [
      leg({ id: 'a', queue: 'A', outcome: 'timeout', leftAt: t('10:00:12'), endedAt: t('10:00:12') }),
      leg({ id: 'b', queue: 'B', joinedAt: t('10:00:12'), outcome: 'answered', answeredAt: t('10:00:15'), endedAt: t('10:01:00'), holdSeconds: 3, talkSeconds: 45, agentId: 'ag1' }),
    ];
    const facts = factsFromLegs(legs, callerRegionSync);
    expect(facts.map((f) => [f.queue, f.outcome, f.waitSeconds, f.overflowTo])).to.deep.equal([['A', 'overflowed', 12, 'B'], ['B', 'answered', 3, '']]);
    expect(facts[0]!.region).to.equal('CN|Jiangsu|江苏省');
    const rows = rollupRows(facts, () => defs);
    const queueRows = rows.filter((r) => r.dimension === 'queue');
    expect(queueRows.map((r) => [r.queue, r.offered, r.overflowed, r.answered])).to.deep.equal([['A', 1, 1, 0], ['B', 1, 0, 1]]);
    expect(rows.find((r) => r.dimension === 'overflow')).to.include({ dimKey: 'B', queue: 'A', overflowed: 1 });
    expect(rows.find((r) => r.dimension === 'agent')).to.include({ dimKey: 'ag1', answered: 1, talkSeconds: 45 });
    expect(rows.find((r) => r.dimension === 'disposition')).to.include({ dimKey: '', answered: 1 });
  });

  it('leaves calls still waiting or talking out, and callback placeholders always', () => {
    expect(factsFromLegs([leg({ outcome: 'waiting' })], callerRegionSync)).to.deep.equal([]);
    expect(factsFromLegs([leg({ outcome: 'answered', answeredAt: t('10:00:01') })], callerRegionSync)).to.deep.equal([]);
    expect(factsFromLegs([leg({ uniqueid: 'hotline-cb-1-1-q', outcome: 'abandoned', holdSeconds: 3 })], callerRegionSync)).to.deep.equal([]);
    expect(factsFromLegs([leg({ outcome: 'callback', leftAt: t('10:00:30') })], callerRegionSync)[0]).to.include({ outcome: 'callback', waitSeconds: 30 });
  });

  it("keeps the caller's queue positions: where they joined on every leg, where they hung up on an abandon only", () => {
    const [ab] = factsFromLegs([leg({ outcome: 'abandoned', holdSeconds: 9, leftAt: t('10:00:09'), joinPosition: 4, abandonPosition: 2 })], callerRegionSync);
    expect(ab).to.include({ outcome: 'abandoned', joinPosition: 4, abandonPosition: 2 });
    const [answered] = factsFromLegs([leg({ outcome: 'answered', holdSeconds: 3, answeredAt: t('10:00:03'), endedAt: t('10:01:00'), joinPosition: 1, abandonPosition: 5 })], callerRegionSync);
    expect(answered).to.include({ joinPosition: 1, abandonPosition: null });
    expect(factsFromLegs([leg({ outcome: 'abandoned', holdSeconds: 2 })], callerRegionSync)[0]).to.include({ joinPosition: null, abandonPosition: null });
  });

  it('rows of a bucket are a function of its facts: split or whole, the same figures', () => {
    const legs = Array.from({ length: 12 }, (_, i) => leg({ id: `l${i}`, uniqueid: `u${i}`, joinedAt: new Date(t('10:00:00').getTime() + i * 120_000), outcome: i % 3 ? 'answered' : 'abandoned', holdSeconds: i * 2, talkSeconds: 30, answeredAt: t('10:00:05'), endedAt: t('10:01:00') }));
    const facts = legs.flatMap((l) => factsFromLegs([l], callerRegionSync));
    const whole = sumQueueCounters(rollupRows(facts, () => defs).filter((r) => r.dimension === 'queue'));
    const split = sumQueueCounters([...rollupRows(facts.slice(0, 5), () => defs), ...rollupRows(facts.slice(5), () => defs)].filter((r) => r.dimension === 'queue'));
    expect(split).to.deep.equal(whole);
    expect(new Set(facts.map((f) => f.bucketAt.toISOString()))).to.deep.equal(new Set(['2026-12-03T10:00:00.000Z', '2026-12-03T10:15:00.000Z']));
    expect(queueFigures(whole, defs)).to.include({ offered: 12, answered: 8, abandoned: 4 });
  });
});

describe('report time', () => {
  it('reads dates as local midnight and instants with their offset', () => {
    expect(new Date(parseReportTime('2026-12-03', 'Asia/Shanghai')!).toISOString()).to.equal('2026-12-02T16:00:00.000Z');
    expect(new Date(parseReportTime('2026-12-03T08:00:00+08:00', 'UTC')!).toISOString()).to.equal('2026-12-03T00:00:00.000Z');
    expect(parseReportTime('2026-02-30', 'UTC')).to.equal(null);
    expect(parseReportTime('2026-12-03T08:00:00', 'UTC')).to.equal(null); // no offset: ambiguous
    expect(validTimezone('Mars/Olympus')).to.equal(false);
  });

  it('labels periods in the reader timezone', () => {
    const ms = Date.parse('2026-12-03T17:30:00Z'); // Friday 01:30 in Shanghai
    expect(periodOf(ms, 'hour', 'Asia/Shanghai')).to.equal('2026-12-04 01:00');
    expect(periodOf(ms, 'day', 'Asia/Shanghai')).to.equal('2026-12-04');
    expect(periodOf(ms, 'week', 'Asia/Shanghai')).to.equal('2026-11-30');
    expect(periodOf(ms, 'month', 'UTC')).to.equal('2026-12');
  });
});

describe('agent time', () => {
  it('clips states to the range and splits break by reason', () => {
    const ch = [
      { agentId: 'a', state: 'available', reason: '', at: t('09:00:00') },
      { agentId: 'a', state: 'on_call', reason: 'A', at: t('10:10:00') },
      { agentId: 'a', state: 'wrap_up', reason: 'A', at: t('10:15:00') },
      { agentId: 'a', state: 'break', reason: 'lunch', at: t('10:16:00') },
      { agentId: 'a', state: 'logged_out', reason: '', at: t('10:46:00') },
    ];
    const a = agentTimes(ch, t('10:00:00').getTime(), t('11:00:00').getTime(), t('12:00:00').getTime()).get('a')!;
    expect(a).to.deep.equal({ loggedInSeconds: 2760, readySeconds: 600, breakSeconds: 1800, breakByReason: { lunch: 1800 }, ringingSeconds: 0, onCallSeconds: 300, wrapupSeconds: 60 });
  });
});
