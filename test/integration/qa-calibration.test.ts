// QA calibration through the API (no Asterisk: the recording is a stored row): three supervisors
// score the same call in a session; the results give per item each one's value and the variance
// the test computes itself; refused input stores nothing; agents see no session; the session's
// evaluations are not the agent's until the supervisor picks one when closing it.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { userToken } from '../support/acd.js';
import { api } from '../support/api.js';
import { DB_KINDS, type TestDb } from '../support/db.js';
import type { HotlineProcess } from '../support/hotline.js';
import { CARD, count, createCard, seedRecording, startQaHotline } from './qa-fixtures.js';

/** Population variance and standard deviation, as docs/qa.md defines them. */
function variance(xs: number[]): number {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
}

for (const kind of DB_KINDS) {
  describe(`QA calibration (${kind})`, function () {
    this.timeout(180_000);
    let db: TestDb;
    let hotline: HotlineProcess;
    let cleanup: () => Promise<void>;
    const sups: Array<{ name: string; id: string; token: string }> = [];
    let agent: { id: string; token: string };
    let cardId: string;
    let recordingId: string;
    let sessionId: string;
    // What each evaluator answers: they disagree on greeting and on the fix.
    const answers: Record<string, Record<string, number | 'na'>> = {
      'cal-ann': { greet: 1, verify: 1, fix: 5, tone: 4 },
      'cal-bob': { greet: 0, verify: 'na', fix: 2, tone: 4 },
      'cal-cy': { greet: 1, verify: 1, fix: 4, tone: 3 },
    };

    before(async () => {
      ({ db, hotline, cleanup } = await startQaHotline(kind));
      expect((await api(hotline.url, 'POST', '/api/acd/queues', { name: 'calq' })).status).to.equal(201);
      for (const name of Object.keys(answers)) sups.push({ name, ...(await userToken(hotline.url, name, 'supervisor')) });
      agent = await userToken(hotline.url, 'cal-agent', 'agent');
      cardId = await createCard(hotline.url);
      recordingId = await seedRecording(db, { queue: 'calq', agentId: randomUUID(), at: new Date(Date.now() - 3_600_000) });
    });
    after(async () => cleanup?.());

    it('refuses bad sessions with 4xx and stores nothing; agents may not create or list them', async () => {
      const good = { title: 'Week 49 calibration', recordingId, scorecardId: cardId, evaluators: sups.map((s) => s.name) };
      const cases: Array<[string, unknown, number, string | undefined]> = [
        ['unknown recording', { ...good, recordingId: randomUUID() }, 404, 'not_found'],
        ['unknown scorecard', { ...good, scorecardId: randomUUID() }, 404, 'not_found'],
        ['an agent as evaluator', { ...good, evaluators: ['cal-ann', 'cal-agent'] }, 400, 'invalid_evaluator'],
        ['nobody of that name', { ...good, evaluators: ['cal-ann', 'no-such-user'] }, 400, 'invalid_evaluator'],
        ['one evaluator', { ...good, evaluators: ['cal-ann'] }, 400, 'validation_failed'],
        ['a name twice', { ...good, evaluators: ['cal-ann', 'cal-ann'] }, 400, 'validation_failed'],
      ];
      for (const [what, body, status, code] of cases) {
        const res = await api(hotline.url, 'POST', '/api/qa/calibrations', body);
        expect([res.status, res.body?.error?.code], what).to.deep.equal([status, code]);
      }
      expect((await api(hotline.url, 'POST', '/api/qa/calibrations', good, agent.token)).status).to.equal(403);
      expect(await count(db, 'qa_calibrations')).to.equal(0);
      expect((await api(hotline.url, 'GET', '/api/qa/calibrations', undefined, agent.token)).status).to.equal(403);
    });

    it('three evaluators score the call once each; the results show their values, mean and variance per item', async () => {
      const created = await api(hotline.url, 'POST', '/api/qa/calibrations', { title: 'Week 49 calibration', recordingId, scorecardId: cardId, evaluators: sups.map((s) => s.name), threshold: 20 }, sups[0]!.token);
      expect(created.status).to.equal(201);
      sessionId = created.body.id;
      expect((await api(hotline.url, 'GET', `/api/qa/calibrations/${sessionId}`, undefined, agent.token)).status, 'agents see no session').to.equal(403);
      // Ann through the ordinary evaluation route (with the session id), the others through the session's route.
      const [ann, bob, cy] = sups as [typeof sups[0], typeof sups[0], typeof sups[0]];
      expect((await api(hotline.url, 'POST', '/api/qa/evaluations', { calibrationId: sessionId, scorecardId: cardId, answers: answers[ann.name] }, ann.token)).status).to.equal(201);
      const over = await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: { ...answers[bob.name], fix: 9 } }, bob.token);
      expect([over.status, over.body.error.code], 'a value over the item\'s maximum').to.deep.equal([400, 'invalid_evaluation']);
      expect(await count(db, 'qa_evaluations'), 'nothing stored').to.equal(1);
      for (const s of [bob, cy]) expect((await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: answers[s.name] }, s.token)).status).to.equal(201);

      const res = await api(hotline.url, 'GET', `/api/qa/calibrations/${sessionId}`, undefined, bob.token);
      expect(res.status).to.equal(200);
      expect(res.body.pending).to.deep.equal([]);
      const items = res.body.results.items as Array<{ id: string; values: Record<string, unknown>; mean: number; variance: number; stdDev: number; flagged: boolean; fullMarks: number }>;
      expect(items.map((i) => i.id)).to.deep.equal(CARD.sections.flatMap((s) => s.items.map((i) => i.id)));
      for (const item of items) {
        expect(item.values, item.id).to.deep.equal(Object.fromEntries(Object.entries(answers).map(([n, a]) => [n, a[item.id]])));
        const xs = Object.values(answers).map((a) => a[item.id]).filter((v): v is number => v !== 'na');
        expect(item.mean, `${item.id} mean`).to.be.closeTo(xs.reduce((s, x) => s + x, 0) / xs.length, 1e-9);
        expect(item.variance, `${item.id} variance`).to.be.closeTo(variance(xs), 1e-9);
        expect(item.stdDev, `${item.id} sd`).to.be.closeTo(Math.sqrt(variance(xs)), 1e-9);
        expect(item.flagged, `${item.id} flag`).to.equal((Math.sqrt(variance(xs)) / item.fullMarks) * 100 > 20);
      }
      expect(items.filter((i) => i.flagged).map((i) => i.id), 'they disagree on greeting and fix').to.deep.equal(['greet', 'fix']);
      const scores = res.body.evaluations.map((e: { score: number }) => e.score) as number[];
      expect(res.body.results.total.spread).to.be.closeTo(Math.max(...scores) - Math.min(...scores), 1e-9);
      expect(res.body.results.total.variance).to.be.closeTo(variance(scores), 1e-9);
    });

    it('refuses a second evaluation by the same evaluator, the uninvited, a foreign recording or an unknown session, storing nothing', async () => {
      const before = await count(db, 'qa_evaluations');
      const [ann] = sups;
      const again = await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: answers[ann!.name] }, ann!.token);
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'already_evaluated']);
      const viaEvaluate = await api(hotline.url, 'POST', '/api/qa/evaluations', { calibrationId: sessionId, scorecardId: cardId, answers: answers[ann!.name] }, ann!.token);
      expect(viaEvaluate.status).to.equal(409);
      expect((await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: answers[ann!.name] })).status, 'the admin was not invited').to.equal(403);
      const other = await seedRecording(db, { queue: 'calq', agentId: null, at: new Date() });
      const foreign = await api(hotline.url, 'POST', '/api/qa/evaluations', { calibrationId: sessionId, recordingId: other, scorecardId: cardId, answers: answers[ann!.name] }, ann!.token);
      expect(foreign.status).to.equal(400);
      expect((await api(hotline.url, 'POST', `/api/qa/calibrations/${randomUUID()}/evaluations`, { answers: {} }, ann!.token)).status).to.equal(404);
      expect(await count(db, 'qa_evaluations')).to.equal(before);
    });

    it('the session\'s evaluations are not the agent\'s until the supervisor picks one; a closed session takes none', async () => {
      const official = () => api(hotline.url, 'GET', `/api/qa/evaluations?recordingId=${recordingId}`).then((r) => r.body.items as Array<{ id: string; evaluator: string }>);
      expect(await official()).to.deep.equal([]);
      expect((await api(hotline.url, 'GET', '/api/qa/report?by=agent')).body.rows).to.deep.equal([]);
      const session = (await api(hotline.url, 'GET', `/api/qa/evaluations?calibrationId=${sessionId}`)).body.items as Array<{ id: string; evaluator: string; official: boolean }>;
      expect(session.map((e) => e.evaluator).sort()).to.deep.equal(Object.keys(answers));
      const pick = session.find((e) => e.evaluator === 'cal-cy')!;
      expect((await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/close`, { officialEvaluationId: randomUUID() })).status, 'not one of the session\'s').to.equal(400);
      const closed = await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/close`, { officialEvaluationId: pick.id });
      expect([closed.status, closed.body.status, closed.body.officialEvaluationId]).to.deep.equal([200, 'closed', pick.id]);
      expect((await official()).map((e) => e.id)).to.deep.equal([pick.id]);
      const late = await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/evaluations`, { answers: answers['cal-ann'] }, sups[0]!.token);
      expect([late.status, late.body.error.code]).to.deep.equal([409, 'calibration_closed']);
      expect((await api(hotline.url, 'POST', `/api/qa/calibrations/${sessionId}/close`, {})).status).to.equal(409);
      const list = (await api(hotline.url, 'GET', '/api/qa/calibrations')).body.items as Array<{ id: string; status: string; submitted: number }>;
      expect(list.map((c) => [c.id, c.status, c.submitted])).to.deep.equal([[sessionId, 'closed', 3]]);
      const audit = (await api(hotline.url, 'GET', '/api/audit?action=supervisor.action')).body.items as Array<{ target: string }>;
      expect(audit.map((a) => a.target)).to.include.members(['POST /api/qa/calibrations', `POST /api/qa/calibrations/${sessionId}/close`]);
    });
  });
}
