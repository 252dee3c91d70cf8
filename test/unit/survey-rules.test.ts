// The survey's pure parts: what a definition may be (the same schema the console's form uses) and
// what the figures mean (reports/survey-definitions.ts, shared by the report and the wallboard).
import { expect } from 'chai';
import { addSurveyResponse, emptySurveyCounters, sumSurveyCounters, surveyFigures } from '../../app/reports/survey-definitions.js';
import { surveyCreateBody, surveyReportQuery } from '../../app/survey/survey.schemas.js';

const base = {
  name: 'csat-3',
  question: { text: '满意请按1，一般请按2，不满意请按3' },
  options: [
    { key: '1', label: '满意', score: 5, satisfied: true },
    { key: '2', label: '一般', score: 3, satisfied: false },
    { key: '3', label: '不满意', score: 1, satisfied: false },
  ],
};

describe('survey definitions', () => {
  it('a usual survey is accepted, with the defaults filled in', () => {
    const s = surveyCreateBody.parse(base);
    expect(s).to.deep.include({ language: 'zh', timeoutSeconds: 6, retries: 1 });
  });

  it('refuses a key twice (naming the second), no satisfied answer, one answer, bad keys and labels', () => {
    const problems = (body: unknown) => {
      const r = surveyCreateBody.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ ...base, options: [base.options[0], { ...base.options[1], key: '1' }] })).to.deep.equal(['options.1.key: key 1 is already answer 1']);
    expect(problems({ ...base, options: base.options.map((o) => ({ ...o, satisfied: false })) })).to.deep.equal(['options: mark at least one answer as satisfied']);
    expect(problems({ ...base, options: [base.options[0]] })[0]).to.match(/^options: a survey needs at least two answers/);
    expect(problems({ ...base, options: [{ ...base.options[0], key: '#' }, base.options[1]] })[0]).to.match(/^options\.0\.key/);
    expect(problems({ ...base, options: [{ ...base.options[0], label: '  ' }, base.options[1]] })[0]).to.match(/^options\.0\.label/);
    expect(problems({ ...base, options: [{ ...base.options[0], score: 11 }, base.options[1]] })[0]).to.match(/^options\.0\.score/);
    expect(problems({ ...base, name: '满意度' })[0]).to.match(/^name/);
    expect(problems({ ...base, timeoutSeconds: 1 })[0]).to.match(/^timeoutSeconds/);
    expect(problems({ ...base, extra: 1 })[0]).to.match(/Unrecognized key/);
  });

  it('a report window: to after from, at most 400 days, a real timezone', () => {
    const ok = surveyReportQuery.safeParse({ from: '2026-12-01T00:00:00+08:00', to: '2026-12-02T00:00:00+08:00', groupBy: 'day', timezone: 'Asia/Shanghai' });
    expect(ok.success).to.equal(true);
    expect(surveyReportQuery.safeParse({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }).success).to.equal(false);
    expect(surveyReportQuery.safeParse({ from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).success).to.equal(false);
    expect(surveyReportQuery.safeParse({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', timezone: 'Mars/Base' }).success).to.equal(false);
  });
});

describe('survey figures', () => {
  it('response rate, CSAT and the average score; nothing to divide gives null, not 0', () => {
    const c = emptySurveyCounters();
    expect(surveyFigures(c)).to.deep.include({ responseRate: null, csat: null, averageScore: null });
    addSurveyResponse(c, { score: 5, satisfied: true, label: '满意' });
    addSurveyResponse(c, { score: 3, satisfied: false, label: '一般' });
    addSurveyResponse(c, { score: 5, satisfied: true, label: '满意' });
    addSurveyResponse(c, null);
    const f = surveyFigures(c);
    expect(f).to.deep.include({ surveyed: 4, answered: 3, satisfied: 2, scoreSum: 13, responseRate: 0.75 });
    expect(f.csat).to.be.closeTo(2 / 3, 1e-9);
    expect(f.averageScore).to.be.closeTo(13 / 3, 1e-9);
    expect(f.byLabel).to.deep.equal({ 满意: 2, 一般: 1 });
  });

  it('summing groups gives what counting the responses gives', () => {
    const a = addSurveyResponse(addSurveyResponse(emptySurveyCounters(), { score: 5, satisfied: true, label: 'good' }), null);
    const b = addSurveyResponse(emptySurveyCounters(), { score: 1, satisfied: false, label: 'bad' });
    const all = [{ score: 5, satisfied: true, label: 'good' }, null, { score: 1, satisfied: false, label: 'bad' }].reduce((c, x) => addSurveyResponse(c, x), emptySurveyCounters());
    expect(sumSurveyCounters([a, b])).to.deep.equal(all);
  });
});
