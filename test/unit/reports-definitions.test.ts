import { expect } from 'chai';
import {
  DEFAULT_DEFINITIONS,
  addQueueCall,
  agentFigures,
  bucketStart,
  centerCounters,
  classifyQueueCall,
  definitionStatements,
  emptyAgentCounters,
  emptyQueueCounters,
  firstCallResolution,
  queueFigures,
  resolveDefinitions,
  sumQueueCounters,
  type QueueCallFact,
  type QueueDefinitions,
} from '../../app/reports/definitions.js';

const defs = (p: Partial<QueueDefinitions> = {}) => resolveDefinitions({ serviceLevelSeconds: 20, shortAbandonSeconds: 5, shortAbandonTreatment: 'counted', ...p });
const count = (facts: QueueCallFact[], d: QueueDefinitions) => facts.reduce((c, f) => addQueueCall(c, f, d), emptyQueueCounters());

// A queue's day: 4 answered (2 within 20 s, one exactly at 20 s), 3 abandoned (1 short), 1 callback, 1 overflowed, 1 timeout.
const day: QueueCallFact[] = [
  { queue: 'A', outcome: 'answered', waitSeconds: 3, talkSeconds: 60, holdSeconds: 10, wrapupSeconds: 20 },
  { queue: 'A', outcome: 'answered', waitSeconds: 20, talkSeconds: 100 },
  { queue: 'A', outcome: 'answered', waitSeconds: 21, talkSeconds: 40, wrapupSeconds: 10 },
  { queue: 'A', outcome: 'answered', waitSeconds: 60, talkSeconds: 0 },
  { queue: 'A', outcome: 'abandoned', waitSeconds: 4 },
  { queue: 'A', outcome: 'abandoned', waitSeconds: 5 },
  { queue: 'A', outcome: 'abandoned', waitSeconds: 30 },
  { queue: 'A', outcome: 'callback', waitSeconds: 15 },
  { queue: 'A', outcome: 'overflowed', waitSeconds: 45 },
  { queue: 'A', outcome: 'timeout', waitSeconds: 600 },
];

describe('report definitions', () => {
  it('classifies by the thresholds: within SL is wait <= threshold, short abandon is wait < threshold', () => {
    const d = defs();
    expect(classifyQueueCall({ queue: 'A', outcome: 'answered', waitSeconds: 20 }, d)).to.equal('answered_in_sl');
    expect(classifyQueueCall({ queue: 'A', outcome: 'answered', waitSeconds: 21 }, d)).to.equal('answered_late');
    expect(classifyQueueCall({ queue: 'A', outcome: 'abandoned', waitSeconds: 4 }, d)).to.equal('abandoned_short');
    expect(classifyQueueCall({ queue: 'A', outcome: 'abandoned', waitSeconds: 5 }, d)).to.equal('abandoned');
    expect(classifyQueueCall({ queue: 'A', outcome: 'callback', waitSeconds: 1 }, d)).to.equal('callback');
  });

  it('counts a day and prints its figures, short abandons counted', () => {
    const f = queueFigures(count(day, defs()), defs());
    expect(f).to.include({ offered: 10, answered: 4, answeredInSl: 2, abandoned: 3, abandonedShort: 1, callbacks: 1, overflowed: 1, timeouts: 1 });
    // SL base: 4 answered + 3 abandoned + 1 timeout; callbacks and the overflowed leg are out.
    expect(f.serviceLevelBase).to.equal(8);
    expect(f.serviceLevel).to.equal(0.25);
    // abandon rate: 3 / (10 - 1 overflowed - 1 callback)
    expect(f.abandonRate).to.equal(0.375);
    expect(f.asaSeconds).to.equal(26); // (3+20+21+60)/4
    expect(f.ahtSeconds).to.equal(60); // (200 talk + 10 hold + 30 wrap-up)/4
    expect(f.averageAbandonWaitSeconds).to.equal(13);
    expect(f.maxAnsweredWaitSeconds).to.equal(60);
  });

  it('excludes short abandons from the service level and the abandon rate when told to', () => {
    const d = defs({ shortAbandonTreatment: 'excluded' });
    const f = queueFigures(count(day, d), d);
    expect(f.abandonedCounted).to.equal(2);
    expect(f.serviceLevelBase).to.equal(7);
    expect(f.serviceLevel).to.equal(0.2857);
    expect(f.abandonRate).to.equal(0.2857); // 2 / (10 - 1 - 1 - 1 short)
  });

  it('counts short abandons as meeting the service level in the sl2 treatment', () => {
    const d = defs({ shortAbandonTreatment: 'sl2' });
    const f = queueFigures(count(day, d), d);
    expect(f.serviceLevelBase).to.equal(8);
    expect(f.serviceLevel).to.equal(0.375); // (2 + 1 short) / 8
  });

  it('gives null rates and averages when nothing was counted', () => {
    const f = queueFigures(emptyQueueCounters(), defs());
    expect(f.serviceLevel).to.equal(null);
    expect(f.asaSeconds).to.equal(null);
    expect(f.abandonRate).to.equal(null);
  });

  it('leaves a still-waiting caller out of the rates (live figures)', () => {
    const f = queueFigures(count([...day, { queue: 'A', outcome: 'waiting', waitSeconds: 100 }], defs()), defs());
    expect(f.offered).to.equal(11);
    expect(f.waiting).to.equal(1);
    expect(f.abandonRate).to.equal(0.375);
    expect(f.serviceLevelBase).to.equal(8);
  });

  it('sums buckets to the same figures as counting the calls', () => {
    const d = defs();
    const halves = [count(day.slice(0, 5), d), count(day.slice(5), d)];
    expect(sumQueueCounters(halves)).to.deep.equal(count(day, d));
  });

  it('counts an overflow A -> B once for the center and as overflowed in A', () => {
    const d = defs();
    const a = count([{ queue: 'A', outcome: 'overflowed', waitSeconds: 30 }, { queue: 'A', outcome: 'answered', waitSeconds: 2, talkSeconds: 10 }], d);
    const b = count([{ queue: 'B', outcome: 'answered', waitSeconds: 8, talkSeconds: 50 }], d);
    expect(queueFigures(a, d)).to.include({ offered: 2, overflowed: 1, answered: 1, serviceLevelBase: 1 });
    const center = queueFigures(centerCounters([a, b]), d);
    expect(center).to.include({ offered: 2, answered: 2, overflowed: 0, serviceLevel: 1 });
  });

  it('AHT and occupancy for an agent', () => {
    const c = { ...emptyAgentCounters(), handled: 4, talkSeconds: 600, holdSeconds: 60, wrapupSeconds: 140, loggedInSeconds: 3600, breakSeconds: 1600 };
    const f = agentFigures(c);
    expect(f.ahtSeconds).to.equal(200);
    expect(f.occupancy).to.equal(0.4);
    expect(agentFigures(emptyAgentCounters()).occupancy).to.equal(null);
  });

  it('first-call resolution by the repeat-caller window', () => {
    const h = 3_600_000;
    const calls = [
      { callerNumber: '13800000001', at: 0, answered: true }, // called again after 23 h: not resolved
      { callerNumber: '13800000001', at: 23 * h, answered: false },
      { callerNumber: '13800000002', at: 0, answered: true }, // again after 25 h: resolved
      { callerNumber: '13800000002', at: 25 * h, answered: true }, // last call: resolved
      { callerNumber: '', at: 1, answered: true }, // anonymous: not judged
    ];
    expect(firstCallResolution(calls, 24)).to.deep.equal({ answered: 3, resolved: 2, rate: 0.6667 });
    expect(firstCallResolution(calls, 24, 24 * h)).to.deep.equal({ answered: 2, resolved: 1, rate: 0.5 });
    expect(firstCallResolution(calls, 26).resolved).to.equal(1);
  });

  it('puts times in 15-minute buckets', () => {
    const t = Date.parse('2026-12-03T10:29:59.999Z');
    expect(new Date(bucketStart(t)).toISOString()).to.equal('2026-12-03T10:15:00.000Z');
    expect(bucketStart(Date.parse('2026-12-03T10:30:00Z'))).to.equal(Date.parse('2026-12-03T10:30:00Z'));
  });

  it('resolves a queue over the defaults and refuses nonsense', () => {
    expect(resolveDefinitions({ serviceLevelSeconds: 30 })).to.deep.equal({ ...DEFAULT_DEFINITIONS, serviceLevelSeconds: 30 });
    expect(resolveDefinitions(undefined)).to.deep.equal({ ...DEFAULT_DEFINITIONS });
    expect(() => resolveDefinitions({ repeatWindowHours: 0 })).to.throw(RangeError);
    expect(() => resolveDefinitions({ shortAbandonTreatment: 'nope' as never })).to.throw(/treatment/);
  });

  it('states every definition in both languages with the thresholds in force', () => {
    const d = defs({ serviceLevelSeconds: 25, shortAbandonSeconds: 7, shortAbandonTreatment: 'excluded', repeatWindowHours: 48 });
    const en = definitionStatements(d, 'en');
    const zh = definitionStatements(d, 'zh-CN');
    expect(en.map((s) => s.key)).to.deep.equal(zh.map((s) => s.key));
    expect(en.find((s) => s.key === 'service_level')!.text).to.contain('at most 25 s').and.contain('excluded');
    expect(zh.find((s) => s.key === 'service_level')!.text).to.contain('25 秒').and.contain('不计入');
    expect(en.find((s) => s.key === 'short_abandon')!.text).to.contain('under 7 s');
    expect(zh.find((s) => s.key === 'fcr')!.text).to.contain('48 小时');
    for (const s of [...en, ...zh]) expect(s.text.length, s.key).to.be.greaterThan(10);
  });
});
