// The console's survey form (app/web/components/surveys/survey-form.ts) and the Satisfaction view's
// filters (components/reports/satisfaction-query.ts): the presets pass the server's own schema,
// a problem lands under the field (or the answers-table cell) it names, the body is what POST and
// PUT take, and the view's address and API window agree.
import { expect } from 'chai';
import { surveyCreateBody, surveyUpdateBody } from '../../app/survey/survey.schemas.js';
import { blankForm, bodyOf, checkForm, freeKey, preset, problemOf, type SurveyForm } from '../../app/web/components/surveys/survey-form.js';
import { defaultFilter, filterFromQuery, filterToQuery, rowWindow, windowOf } from '../../app/web/components/reports/satisfaction-query.js';

const zh3 = (): SurveyForm => ({ name: 'csat-3', ...preset('zh3') });

describe('console: the survey form', () => {
  it('both presets are surveys the server accepts, the Chinese one 满意 5 ✓ / 一般 3 / 不满意 1', () => {
    const zh = checkForm(zh3(), true);
    expect(zh.problems).to.deep.equal([]);
    expect(surveyCreateBody.safeParse(zh.body).success).to.equal(true);
    expect(zh.body.options).to.deep.equal([
      { key: '1', label: '满意', score: 5, satisfied: true },
      { key: '2', label: '一般', score: 3, satisfied: false },
      { key: '3', label: '不满意', score: 1, satisfied: false },
    ]);
    expect(zh.body.language).to.equal('zh');
    expect(zh.body.question).to.have.property('text').that.contains('满意请按1，一般请按2，不满意请按3');
    const en = checkForm({ name: 'csat-5', ...preset('en5') }, true);
    expect(en.problems).to.deep.equal([]);
    expect(en.body.options.map((o) => o.score)).to.deep.equal([5, 4, 3, 2, 1]);
  });

  it('a key given twice is named under the second answer\'s key, with the first answer it repeats', () => {
    const f = zh3();
    f.options[2]!.key = '1';
    expect(checkForm(f, true).problems).to.deep.equal([{ field: 'options.2.key', text: 'keyTwice', args: { key: '1', n: 1 } }]);
    f.options[2]!.key = 'x';
    expect(checkForm(f, true).problems).to.deep.equal([{ field: 'options.2.key', text: 'key' }]);
  });

  it('names the name, the question, an empty label, too few answers and none satisfied', () => {
    const f = blankForm();
    f.name = '-bad';
    const fields = checkForm(f, true).problems.map((p) => p.field);
    expect(fields).to.include.members(['name', 'question', 'options.0.label', 'options.1.label']);
    const g = zh3();
    g.options = g.options.slice(0, 1);
    expect(checkForm(g, true).problems).to.deep.equal([{ field: 'options', text: 'optionsCount', args: { min: 2, max: 10 } }]);
    const h = zh3();
    h.options.forEach((o) => (o.satisfied = false));
    expect(checkForm(h, true).problems).to.deep.equal([{ field: 'options', text: 'noneSatisfied' }]);
  });

  it('a server 400 path lands where the page\'s own check puts it', () => {
    const f = zh3();
    f.options[1]!.key = '1';
    expect(problemOf('options.1.key', f)).to.deep.equal({ field: 'options.1.key', text: 'keyTwice', args: { key: '1', n: 1 } });
    expect(problemOf('thanksPrompt', f)).to.deep.equal({ field: 'thanksPrompt', text: 'thanksPrompt' });
    expect(problemOf('whatever', f)).to.deep.equal({ field: 'other', text: 'other' });
  });

  it('PUT sends prompts the form emptied as null (removed), without the name; POST leaves them out', () => {
    const f = zh3();
    delete f.prompts.thanksPrompt;
    const put = bodyOf(f, false);
    expect(put).to.not.have.property('name');
    expect(put.thanksPrompt).to.equal(null);
    expect(surveyUpdateBody.safeParse(put).success).to.equal(true);
    expect(bodyOf(f, true)).to.not.have.property('thanksPrompt');
  });

  it('a new answer gets a key none has', () => {
    expect(freeKey(zh3().options)).to.equal('4');
  });
});

describe('console: the Satisfaction view\'s filters', () => {
  const now = new Date(2026, 11, 7, 10, 30);

  it('reads the address (bad values: the defaults) and writes it back', () => {
    expect(defaultFilter(now)).to.deep.equal({ from: '2026-12-01', to: '2026-12-07', groupBy: 'queue', queue: '', survey: '' });
    const f = filterFromQuery({ view: 'satisfaction', from: '2026-11-01', to: 'nope', groupBy: 'agent', queue: 'sales' }, now);
    expect(f).to.deep.equal({ from: '2026-11-01', to: '2026-12-07', groupBy: 'agent', queue: 'sales', survey: '' });
    expect(filterToQuery(f)).to.deep.equal({ view: 'satisfaction', from: '2026-11-01', to: '2026-12-07', groupBy: 'agent', queue: 'sales' });
    expect(filterFromQuery({ groupBy: 'week' }, now).groupBy).to.equal('queue');
  });

  it('the window covers whole local days, the last included; a row narrows it to its group', () => {
    const f = filterFromQuery({ from: '2026-12-01', to: '2026-12-07', groupBy: 'day' }, now);
    expect(windowOf(f)).to.deep.equal({ from: new Date(2026, 11, 1).toISOString(), to: new Date(2026, 11, 8).toISOString() });
    expect(rowWindow(f, '2026-12-03')).to.deep.equal({ from: new Date(2026, 11, 3).toISOString(), to: new Date(2026, 11, 4).toISOString() });
    expect(rowWindow({ ...f, groupBy: 'queue' }, 'sales').queue).to.equal('sales');
    expect(rowWindow({ ...f, groupBy: 'agent' }, '')).to.not.have.property('agentId');
  });
});
