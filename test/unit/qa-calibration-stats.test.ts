// Calibration results: per item the evaluators' values, mean, population variance, standard
// deviation, spread and the flag against the threshold (a share of the item's full marks).
import { expect } from 'chai';
import { calibrationResults, spreadOf } from '../../app/qa/calibration.stats.js';
import { scorecardBody } from '../../app/qa/qa.schemas.js';

const card = scorecardBody.parse({
  name: 'c',
  sections: [
    { title: 'A', weight: 50, items: [{ id: 'greet', text: 'Greets', type: 'yesno', weight: 50 }, { id: 'tone', text: 'Tone', type: 'scale', max: 5, weight: 50, allowNa: true }] },
    { title: 'B', weight: 50, items: [{ id: 'fix', text: 'Fixes', type: 'scale', max: 10, weight: 100 }] },
  ],
});

describe('QA calibration statistics', () => {
  it('mean, population variance (divided by n), standard deviation and spread', () => {
    const s = spreadOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).to.equal(5);
    expect(s.variance).to.equal(4);
    expect(s.stdDev).to.equal(2);
    expect(s.spread).to.equal(7);
    expect(spreadOf([3]).variance, 'one evaluator: no spread').to.equal(0);
    expect(spreadOf([]).mean, 'nobody answered').to.equal(null);
  });

  it('per item: each evaluator\'s value, N/A left out of the figures, flagged above the threshold share of full marks', () => {
    const r = calibrationResults(card, [
      { evaluator: 'ann', answers: { greet: 1, tone: 4, fix: 8 }, score: 90 },
      { evaluator: 'bob', answers: { greet: 0, tone: 'na', fix: 7 }, score: 35 },
      { evaluator: 'cy', answers: { greet: 1, tone: 4, fix: 9 }, score: 95 },
    ], 15);
    const item = (id: string) => r.items.find((i) => i.id === id)!;
    expect(item('greet').values).to.deep.equal({ ann: 1, bob: 0, cy: 1 });
    expect(item('greet').mean).to.be.closeTo(2 / 3, 1e-9);
    expect(item('greet').variance).to.be.closeTo(2 / 9, 1e-9); // ((1/3)² × 2 + (2/3)²) / 3
    expect(item('greet').flagged, 'sd 0.47 of 1 is 47 %').to.equal(true);
    expect(item('tone').n, 'N/A does not count').to.equal(2);
    expect(item('tone').variance).to.equal(0);
    expect(item('tone').flagged).to.equal(false);
    expect(item('fix').variance).to.be.closeTo(2 / 3, 1e-9);
    expect(item('fix').flagged, 'sd 0.82 of 10 is 8 %').to.equal(false);
    expect(r.flaggedItems).to.deep.equal(['greet']);
    expect(r.total.scores).to.deep.equal({ ann: 90, bob: 35, cy: 95 });
    expect(r.total.spread).to.equal(60);
    expect(r.total.flagged, 'total sd above 15 points').to.equal(true);
  });
});
