// QA routes: scorecards (admin, supervisor), evaluations (supervisors score; agents see theirs,
// acknowledge or dispute; supervisors resolve), and the QA report.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { disputeBody, evaluationBody, evaluationListQuery, qaIdParams, qaReportQuery, resolveBody, scorecardBody } from './qa.schemas.js';
import type { CalibrationService } from './calibration.service.js';
import type { QaService } from './qa.service.js';

const MANAGE = { allow: ['admin', 'supervisor'] } as const;
const ALL = { allow: ['admin', 'supervisor', 'agent'] } as const;

export function qaRoutes(r: SecureRouter, qa: QaService, calibrations: CalibrationService): void {
  r.get('/qa/scorecards', ALL, async (_req, res) => {
    res.json({ items: await qa.scorecards() });
  });
  r.post('/qa/scorecards', { ...MANAGE, audit: 'config.change', body: scorecardBody }, async (req, res) => {
    res.status(201).json(await qa.createScorecard(input(req, 'body', scorecardBody), principalOf(req)));
  });
  r.put('/qa/scorecards/:id', { ...MANAGE, audit: 'config.change', params: qaIdParams, body: scorecardBody }, async (req, res) => {
    const { id } = input(req, 'path', qaIdParams);
    res.status(201).json(await qa.reviseScorecard(id, input(req, 'body', scorecardBody), principalOf(req)));
  });

  r.get('/qa/evaluations', { ...ALL, query: evaluationListQuery }, async (req, res) => {
    res.json({ items: await qa.list(input(req, 'query', evaluationListQuery), principalOf(req)) });
  });
  r.post('/qa/evaluations', { ...MANAGE, body: evaluationBody }, async (req, res) => {
    const b = input(req, 'body', evaluationBody);
    // Inside a calibration session: the session's checks (invited, open, once each) first.
    res.status(201).json(b.calibrationId ? await calibrations.submit(b.calibrationId, b, principalOf(req)) : await qa.evaluate(b, principalOf(req)));
  });
  r.get('/qa/evaluations/:id', { ...ALL, params: qaIdParams }, async (req, res) => {
    res.json(await qa.get(input(req, 'path', qaIdParams).id, principalOf(req)));
  });
  r.post('/qa/evaluations/:id/acknowledge', { ...ALL, params: qaIdParams }, async (req, res) => {
    res.json(await qa.answer(input(req, 'path', qaIdParams).id, principalOf(req), null));
  });
  r.post('/qa/evaluations/:id/dispute', { ...ALL, params: qaIdParams, body: disputeBody }, async (req, res) => {
    res.json(await qa.answer(input(req, 'path', qaIdParams).id, principalOf(req), input(req, 'body', disputeBody).comment));
  });
  r.post('/qa/evaluations/:id/resolve', { ...MANAGE, params: qaIdParams, body: resolveBody }, async (req, res) => {
    res.json(await qa.resolve(input(req, 'path', qaIdParams).id, input(req, 'body', resolveBody), principalOf(req)));
  });

  r.get('/qa/report', { ...MANAGE, query: qaReportQuery }, async (req, res) => {
    const q = input(req, 'query', qaReportQuery);
    res.json({ by: q.by, rows: await qa.report(q.by, q.from, q.to) });
  });
}
