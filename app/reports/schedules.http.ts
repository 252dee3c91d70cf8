// Scheduled report delivery routes. Thin: parse, call the service, map.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { scheduleBody, scheduleParams } from './schedules.schemas.js';
import type { ReportSchedulesService } from './schedules.service.js';

const READ = { allow: ['admin', 'supervisor'] } as const;
const WRITE = { allow: ['admin', 'supervisor'], audit: 'config.change' } as const;

export function scheduleRoutes(r: SecureRouter, schedules: ReportSchedulesService): void {
  r.get('/reports/schedules', READ, async (_req, res) => {
    res.json({ items: await schedules.list() });
  });
  r.post('/reports/schedules', { ...WRITE, body: scheduleBody }, async (req, res) => {
    res.status(201).json(await schedules.create(input(req, 'body', scheduleBody), principalOf(req).name));
  });
  r.get('/reports/schedules/:id', { ...READ, params: scheduleParams }, async (req, res) => {
    res.json(await schedules.get(input(req, 'path', scheduleParams).id));
  });
  r.put('/reports/schedules/:id', { ...WRITE, params: scheduleParams, body: scheduleBody }, async (req, res) => {
    res.json(await schedules.update(input(req, 'path', scheduleParams).id, input(req, 'body', scheduleBody)));
  });
  r.delete('/reports/schedules/:id', { ...WRITE, params: scheduleParams }, async (req, res) => {
    await schedules.remove(input(req, 'path', scheduleParams).id);
    res.status(204).end();
  });
  r.post('/reports/schedules/:id/send', { ...WRITE, params: scheduleParams }, async (req, res) => {
    res.status(202).json(await schedules.sendNow(input(req, 'path', scheduleParams).id));
  });
}
