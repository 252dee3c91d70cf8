// Reports routes: each report as JSON, and any report as .xlsx. Thin: parse, call, map.
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { buildReport, writeReportXlsx } from './reports.export.js';
import { abandonedQuery, callsQuery, fcrQuery, heatmapQuery, agentsQuery, dispositionsQuery, exportParams, exportQuery, queuesQuery, regionsQuery, summaryQuery } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';

const READ = { allow: ['admin', 'supervisor'] } as const;
const EXPORT = { allow: ['admin', 'supervisor'], audit: 'export' } as const;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function reportRoutes(r: SecureRouter, reports: ReportsService): void {
  r.get('/reports/summary', { ...READ, query: summaryQuery }, async (req, res) => {
    res.json(await reports.summary(input(req, 'query', summaryQuery)));
  });
  r.get('/reports/queues', { ...READ, query: queuesQuery }, async (req, res) => {
    res.json(await reports.queues(input(req, 'query', queuesQuery)));
  });
  r.get('/reports/agents', { ...READ, query: agentsQuery }, async (req, res) => {
    res.json(await reports.agents(input(req, 'query', agentsQuery)));
  });
  r.get('/reports/regions', { ...READ, query: regionsQuery }, async (req, res) => {
    res.json(await reports.regions(input(req, 'query', regionsQuery)));
  });
  r.get('/reports/dispositions', { ...READ, query: dispositionsQuery }, async (req, res) => {
    res.json(await reports.dispositions(input(req, 'query', dispositionsQuery)));
  });
  r.get('/reports/fcr', { ...READ, query: fcrQuery }, async (req, res) => {
    res.json(await reports.fcr(input(req, 'query', fcrQuery)));
  });
  r.get('/reports/heatmap', { ...READ, query: heatmapQuery }, async (req, res) => {
    res.json(await reports.heatmap(input(req, 'query', heatmapQuery)));
  });
  r.get('/reports/abandoned', { ...READ, query: abandonedQuery }, async (req, res) => {
    res.json(await reports.abandoned(input(req, 'query', abandonedQuery)));
  });
  r.get('/reports/calls', { ...READ, query: callsQuery }, async (req, res) => {
    res.json(await reports.calls(input(req, 'query', callsQuery)));
  });
  r.get('/reports/:kind/export.xlsx', { ...EXPORT, params: exportParams, query: exportQuery }, async (req, res) => {
    const { kind } = input(req, 'path', exportParams);
    const q = input(req, 'query', exportQuery);
    const report = await buildReport(reports, kind, q);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="report-${kind}.xlsx"`);
    await writeReportXlsx(res, kind, report as never, q.locale);
  });
}
