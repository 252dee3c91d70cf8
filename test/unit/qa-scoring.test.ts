// Scoring a QA card: weighted sections and items, N/A leaves an item out, a failed critical item zeroes the card.
import { expect } from 'chai';
import { scorecardBody } from '../../app/qa/qa.schemas.js';
import { EvaluationInputError, score } from '../../app/qa/qa.scoring.js';

const card = scorecardBody.parse({
  name: 'c',
  sections: [
    { title: 'A', weight: 40, items: [{ id: 'a1', text: 'x', type: 'yesno', weight: 50 }, { id: 'a2', text: 'y', type: 'scale', max: 4, weight: 50, allowNa: true }] },
    { title: 'B', weight: 60, items: [{ id: 'b1', text: 'z', type: 'yesno', weight: 100, critical: true }] },
  ],
});

describe('QA scoring', () => {
  it('weights sections and items', () => {
    expect(score(card, { a1: 1, a2: 2, b1: 1 }).score).to.equal(40 * 0.75 + 60);
    expect(score(card, { a1: 1, a2: 'na', b1: 1 }).score, 'N/A leaves the item out').to.equal(100);
    expect(score(card, { a1: 0, a2: 0, b1: 1 }).score).to.equal(60);
  });
  it('a failed critical item zeroes the card', () => {
    const s = score(card, { a1: 1, a2: 4, b1: 0 });
    expect(s.score).to.equal(0);
    expect(s.criticalFailed).to.deep.equal(['b1']);
  });
  it('refuses unknown, missing, out-of-range and forbidden N/A answers', () => {
    expect(() => score(card, { a1: 1, a2: 1, b1: 1, zz: 1 })).to.throw(EvaluationInputError, /zz/);
    expect(() => score(card, { a1: 1, b1: 1 })).to.throw(EvaluationInputError, /a2/);
    expect(() => score(card, { a1: 2, a2: 1, b1: 1 })).to.throw(EvaluationInputError, /maximum/);
    expect(() => score(card, { a1: 'na', a2: 1, b1: 1 })).to.throw(EvaluationInputError, /N\/A/);
  });
  it('cards whose weights do not add up are refused', () => {
    const bad = scorecardBody.safeParse({ name: 'c', sections: [{ title: 'A', weight: 90, items: [{ id: 'a', text: 'x', type: 'yesno', weight: 100 }] }] });
    expect(bad.success).to.equal(false);
    expect(JSON.stringify(bad.error?.issues)).to.include('add up to 90');
  });
});
