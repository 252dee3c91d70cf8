// QA routes for calibration sessions, sampling rules and QA tasks (admins and supervisors only:
// agents see none of them).
import { z } from 'zod';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { calibrationBody, calibrationCloseBody, calibrationEvaluationBody, calibrationListQuery, samplingRuleBody, samplingRunBody, taskListQuery } from './calibration.schemas.js';
import type { CalibrationService } from './calibration.service.js';
import { qaIdParams } from './qa.schemas.js';
import type { SamplingService } from './sampling.service.js';

const MANAGE = { allow: ['admin', 'supervisor'] } as const;
const cancelBody = z.strictObject({});

export function qaWorkRoutes(r: SecureRouter, calibrations: CalibrationService, sampling: SamplingService): void {
  r.get('/qa/calibrations', { ...MANAGE, query: calibrationListQuery }, async (req, res) => {
    res.json({ items: await calibrations.list(input(req, 'query', calibrationListQuery), principalOf(req)) });
  });
  r.post('/qa/calibrations', { ...MANAGE, audit: 'supervisor.action', body: calibrationBody }, async (req, res) => {
    res.status(201).json(await calibrations.create(input(req, 'body', calibrationBody), principalOf(req)));
  });
  r.get('/qa/calibrations/:id', { ...MANAGE, params: qaIdParams }, async (req, res) => {
    res.json(await calibrations.get(input(req, 'path', qaIdParams).id));
  });
  r.post('/qa/calibrations/:id/evaluations', { ...MANAGE, params: qaIdParams, body: calibrationEvaluationBody }, async (req, res) => {
    res.status(201).json(await calibrations.submit(input(req, 'path', qaIdParams).id, input(req, 'body', calibrationEvaluationBody), principalOf(req)));
  });
  r.post('/qa/calibrations/:id/close', { ...MANAGE, audit: 'supervisor.action', params: qaIdParams, body: calibrationCloseBody, bodyOptional: true }, async (req, res) => {
    res.json(await calibrations.close(input(req, 'path', qaIdParams).id, input(req, 'body', calibrationCloseBody)));
  });

  r.get('/qa/sampling-rules', MANAGE, async (_req, res) => {
    res.json({ items: await sampling.rules() });
  });
  r.post('/qa/sampling-rules', { ...MANAGE, audit: 'config.change', body: samplingRuleBody }, async (req, res) => {
    res.status(201).json(await sampling.createRule(input(req, 'body', samplingRuleBody), principalOf(req)));
  });
  r.post('/qa/sampling-rules/run', { ...MANAGE, audit: 'supervisor.action', body: samplingRunBody, bodyOptional: true }, async (req, res) => {
    res.json(await sampling.runNow(input(req, 'body', samplingRunBody).at ?? new Date(), principalOf(req)));
  });
  r.put('/qa/sampling-rules/:id', { ...MANAGE, audit: 'config.change', params: qaIdParams, body: samplingRuleBody }, async (req, res) => {
    res.json(await sampling.updateRule(input(req, 'path', qaIdParams).id, input(req, 'body', samplingRuleBody)));
  });
  r.delete('/qa/sampling-rules/:id', { ...MANAGE, audit: 'config.change', params: qaIdParams }, async (req, res) => {
    await sampling.deleteRule(input(req, 'path', qaIdParams).id);
    res.status(204).end();
  });

  r.get('/qa/tasks', { ...MANAGE, query: taskListQuery }, async (req, res) => {
    res.json({ items: await sampling.tasks(input(req, 'query', taskListQuery), principalOf(req)) });
  });
  r.post('/qa/tasks/:id/cancel', { ...MANAGE, audit: 'supervisor.action', params: qaIdParams, body: cancelBody, bodyOptional: true }, async (req, res) => {
    res.json(await sampling.cancelTask(input(req, 'path', qaIdParams).id));
  });
}
