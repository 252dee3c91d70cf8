// The rollup writer adds each caller's change to the stored rows (rollupDelta) instead of
// recomputing the bucket: applied to the rows of the facts before, it must give the rows of the
// facts after — for a new caller, a caller written twice, a timeout that becomes an overflow,
// a disposition set after the call — and say when it cannot (an answered call taken away).
// The stored rows are the 15-minute rows and the agents' day rows (storedRows).
import { expect } from 'chai';
import { QUEUE_COUNTER_KEYS, resolveDefinitions } from '../../app/reports/definitions.js';
import { callerRegionSync } from '../../app/reports/region.js';
import { dayRows, factsFromLegs, rollupDelta, rollupRows, storedRows, type FactRow, type QueueLeg, type RollupRow } from '../../app/reports/rollup.js';

const t = (s: string) => new Date(`2026-12-03T${s}Z`);
const leg = (p: Partial<QueueLeg>): QueueLeg => ({ id: p.id ?? 'x', source: 'hotline', queue: 'A', uniqueid: 'u1', callerNumber: '13912345678', joinedAt: t('10:00:00'), answeredAt: null, leftAt: null, endedAt: null, outcome: 'waiting', agentId: null, holdSeconds: null, talkSeconds: null, disposition: '', ...p });
const defs = resolveDefinitions({ serviceLevelSeconds: 10, shortAbandonSeconds: 5, shortAbandonTreatment: 'excluded' });
const key = (r: RollupRow) => `${r.dimension}|${r.bucketAt.getTime()}|${r.dimKey}|${r.queue}`;

/** Stored rows (of `others` and `before`) plus the delta, with zero rows dropped, keyed. */
function applied(others: FactRow[], before: FactRow[], after: FactRow[]): Map<string, Record<string, number>> {
  const stored = new Map(storedRows([...others, ...before], () => defs).map((r) => [key(r), { ...r }]));
  for (const d of rollupDelta(before, after, () => defs).rows) {
    const s = stored.get(key(d)) ?? { ...d, ...Object.fromEntries(QUEUE_COUNTER_KEYS.map((k) => [k, 0])) };
    for (const k of QUEUE_COUNTER_KEYS) s[k] = k === 'maxAnsweredWaitSeconds' ? Math.max(s[k], d[k]) : s[k] + d[k];
    stored.set(key(d), s);
  }
  return new Map([...stored].filter(([, r]) => r.offered !== 0).map(([k, r]) => [k, Object.fromEntries(QUEUE_COUNTER_KEYS.map((c) => [c, r[c]]))]));
}
const recomputed = (facts: FactRow[]) => new Map(storedRows(facts, () => defs).map((r) => [key(r), Object.fromEntries(QUEUE_COUNTER_KEYS.map((c) => [c, r[c]]))]));

describe('rollup delta (incremental writes)', () => {
  const others = factsFromLegs([leg({ id: 'o1', uniqueid: 'o1', outcome: 'answered', answeredAt: t('10:00:20'), endedAt: t('10:02:00'), holdSeconds: 20, talkSeconds: 100, agentId: 'ag1' })], callerRegionSync)
    .concat(factsFromLegs([leg({ id: 'o2', uniqueid: 'o2', callerNumber: '02087654321', outcome: 'abandoned', holdSeconds: 3 })], callerRegionSync));

  it('a new caller: the stored rows plus the delta are the recomputed rows', () => {
    const after = factsFromLegs([leg({ outcome: 'answered', answeredAt: t('10:00:04'), endedAt: t('10:01:00'), holdSeconds: 4, talkSeconds: 56, agentId: 'ag2', disposition: 'sale' })], callerRegionSync);
    const d = rollupDelta([], after, () => defs);
    expect(d.shrink).to.deep.equal([]);
    expect(applied(others, [], after)).to.deep.equal(recomputed([...others, ...after]));
  });

  it('the same caller written twice changes nothing', () => {
    const f = factsFromLegs([leg({ outcome: 'abandoned', holdSeconds: 9 })], callerRegionSync);
    expect(rollupDelta(f, f, () => defs)).to.deep.equal({ rows: [], shrink: [] });
  });

  it('a timeout in A that becomes an overflow to B once the B leg is over', () => {
    const a = leg({ id: 'a', outcome: 'timeout', leftAt: t('10:00:30'), endedAt: t('10:00:30') });
    const before = factsFromLegs([a], callerRegionSync);
    const after = factsFromLegs([a, leg({ id: 'b', queue: 'B', joinedAt: t('10:00:30'), outcome: 'answered', answeredAt: t('10:00:35'), endedAt: t('10:01:30'), holdSeconds: 5, talkSeconds: 55, agentId: 'ag3' })], callerRegionSync);
    expect(before[0]!.outcome).to.equal('timeout');
    expect(after[0]!.outcome).to.equal('overflowed');
    const d = rollupDelta(before, after, () => defs);
    expect(d.shrink).to.deep.equal([]);
    expect(applied(others, before, after)).to.deep.equal(recomputed([...others, ...after]));
  });

  it('a row that loses an answered call is listed with the wait it loses (the writer checks the stored longest wait)', () => {
    const answered = (disposition: string) => factsFromLegs([leg({ outcome: 'answered', answeredAt: t('10:00:50'), endedAt: t('10:02:00'), holdSeconds: 50, talkSeconds: 70, agentId: 'ag1', disposition })], callerRegionSync);
    const d = rollupDelta(answered(''), answered('sale'), () => defs);
    expect(d.shrink.map((r) => [r.dimension, r.dimKey, r.answered, r.removedMaxWait])).to.deep.equal([['disposition', '', -1, 50]]);
    // Every figure but the longest wait still adds up.
    const got = applied(others, answered(''), answered('sale'));
    const want = recomputed([...others, ...answered('sale')]);
    for (const [k, r] of want) expect({ ...got.get(k), maxAnsweredWaitSeconds: 0 }, k).to.deep.equal({ ...r, maxAnsweredWaitSeconds: 0 });
  });

  it("an agent's day rows are the sums of its 15-minute rows by UTC day, and a delta keeps them so", () => {
    const call = (id: string, at: string, wait: number) => factsFromLegs([leg({ id, uniqueid: id, joinedAt: new Date(at), outcome: 'answered', answeredAt: new Date(new Date(at).getTime() + wait * 1000), endedAt: new Date(new Date(at).getTime() + 100_000), holdSeconds: wait, talkSeconds: 60, agentId: 'ag9' })], callerRegionSync);
    const facts = [...call('d1', '2026-12-03T09:00:00Z', 4), ...call('d2', '2026-12-03T23:50:00Z', 30), ...call('d3', '2026-12-04T00:05:00Z', 7)];
    const days = dayRows(rollupRows(facts, () => defs));
    expect(days.map((r) => [r.dimension, r.bucketAt.toISOString(), r.dimKey, r.answered, r.talkSeconds, r.answeredWaitSeconds, r.maxAnsweredWaitSeconds])).to.deep.equal([
      ['agent_day', '2026-12-03T00:00:00.000Z', 'ag9', 2, 120, 34, 30],
      ['agent_day', '2026-12-04T00:00:00.000Z', 'ag9', 1, 60, 7, 7],
    ]);
    const later = call('d4', '2026-12-03T12:00:00Z', 50);
    expect(applied(facts, [], later)).to.deep.equal(recomputed([...facts, ...later]));
    // Taking the day's longest wait away is flagged for the day row too (the writer recomputes the day).
    const gone = rollupDelta(later, [], () => defs).shrink.map((r) => [r.dimension, r.removedMaxWait]);
    expect(gone).to.deep.include(['agent_day', 50]);
  });
});
