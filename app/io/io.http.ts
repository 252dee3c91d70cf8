// Routes for Excel/CSV import and export. Thin: parse with zod, call the service, map the
// result. The import route reads its raw body itself (streamed to disk, size-limited).
import { basename, dirname } from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../errors.js';
import { input, type RouteInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import { ExportAbortedError } from './exports.js';
import { ImportCancelledError, RowsRejectedError, XLSX_TYPE } from './io.errors.js';
import { callExportQuery, customerExportQuery, customerMappingBody, importQuery, jobIdParams, langQuery } from './io.schemas.js';
import type { IoService } from './io.service.js';
import type { JobView } from './jobs.js';

/** Who may call a route and its input schemas; the shape of the auth module's SecureRouter declarations. */
export interface IoAccess extends RouteInput {
  allow: ReadonlyArray<'admin' | 'supervisor' | 'agent' | 'readonly'>;
  audit?: 'config.change' | 'export';
}

/** Where routes are registered: the auth module's SecureRouter (every route declares who may call it). */
export interface IoRoutes {
  readonly router: Router;
  get(path: string, access: IoAccess, ...handlers: RequestHandler[]): unknown;
  post(path: string, access: IoAccess, ...handlers: RequestHandler[]): unknown;
  put(path: string, access: IoAccess, ...handlers: RequestHandler[]): unknown;
}

const ADMIN: IoAccess = { allow: ['admin'] };
const MAPPING: IoAccess = { allow: ['admin'], audit: 'config.change' };
const EXPORT: IoAccess = { allow: ['admin', 'supervisor'], audit: 'export' };
const TEMPLATE: IoAccess = { allow: ['admin', 'supervisor'] };
/** An import is the raw .xlsx or .csv file as the body (streamed to disk). */
const IMPORT = { contentTypes: [XLSX_TYPE, 'text/csv'], description: 'the .xlsx or .csv file itself; ?format= overrides the Content-Type' };

const links = (req: Request, job: JobView) => {
  const self = `${req.baseUrl}/io/imports/${job.id}`;
  return { ...job, links: { self, cancel: `${self}/cancel`, report: job.hasReport ? `${self}/report` : null } };
};

const attachment = (res: Response, name: string) => {
  res.setHeader('Content-Type', XLSX_TYPE);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
};

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');

export function ioRoutes(r: IoRoutes, io: IoService, log: Logger): Router {

  r.post('/io/imports/customers', { ...ADMIN, query: importQuery, upload: IMPORT }, async (req, res) => {
    const q = input(req, 'query', importQuery);
    const live = await io.startCustomerImport({ body: req, contentType: req.headers['content-type'], format: q.format, mode: q.mode, fileName: q.fileName });
    if (!q.wait) {
      const job = links(req, await io.getJob(live.job.id));
      res.status(202).setHeader('Location', job.links.self).json(job);
      return;
    }
    await live.done;
    const job = links(req, await io.getJob(live.job.id));
    if (job.status === 'succeeded') res.json(job);
    else if (job.status === 'rejected') throw new RowsRejectedError(job.counts.rejected, job);
    else if (job.status === 'cancelled') throw new ImportCancelledError();
    else if (live.error) throw new AppError(live.error.status, live.error.code, live.error.message, { ...(live.error.details as object), job });
    else throw new AppError(500, 'import_failed', job.error?.message ?? 'the import failed', { job });
  });

  r.get('/io/imports/:jobId', { ...ADMIN, params: jobIdParams }, async (req, res) => {
    res.json(links(req, await io.getJob(input(req, 'path', jobIdParams).jobId)));
  });

  r.post('/io/imports/:jobId/cancel', { ...ADMIN, params: jobIdParams }, async (req, res) => {
    const job = links(req, await io.cancel(input(req, 'path', jobIdParams).jobId));
    res.status(job.status === 'cancelled' ? 200 : 202).json(job);
  });

  r.get('/io/imports/:jobId/report', { ...ADMIN, params: jobIdParams }, async (req, res) => {
    const { jobId } = input(req, 'path', jobIdParams);
    const path = await io.reportPath(jobId);
    attachment(res, `import-${jobId}-report.xlsx`);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(basename(path), { root: dirname(path), headers: { 'Content-Type': XLSX_TYPE } }, (err) => (err && !res.headersSent ? reject(err) : resolve())),
    );
  });

  /** Streams an export; a failure after the first byte can only cut the download short. */
  const stream = async (res: Response, name: string, what: string, run: () => Promise<number>) => {
    attachment(res, name);
    try {
      const rows = await run();
      log.info({ export: what, rows }, 'export written');
    } catch (err) {
      if (!res.headersSent) throw err;
      if (!(err instanceof ExportAbortedError)) log.error({ err: (err as Error).message, export: what }, 'export failed part way');
      res.destroy();
    }
  };

  r.get('/io/exports/customers.xlsx', { ...EXPORT, query: customerExportQuery }, async (req, res) => {
    const { lang, ...filter } = input(req, 'query', customerExportQuery);
    await stream(res, `customers-${stamp()}.xlsx`, 'customers', () => io.exportCustomers(res, filter, lang));
  });

  r.get('/io/exports/calls.xlsx', { ...EXPORT, query: callExportQuery }, async (req, res) => {
    const { lang, ...filter } = input(req, 'query', callExportQuery);
    await stream(res, `calls-${stamp()}.xlsx`, 'calls', () => io.exportCalls(res, filter, lang));
  });

  r.get('/io/templates/customers.xlsx', { ...TEMPLATE, query: langQuery }, async (req, res) => {
    const { lang } = input(req, 'query', langQuery);
    await stream(res, 'customers-template.xlsx', 'template', async () => {
      await io.template('customers', res, lang);
      return 1;
    });
  });

  r.get('/io/mappings/customers', ADMIN, async (_req, res) => {
    res.json(await io.getMapping('customers'));
  });

  r.put('/io/mappings/customers', { ...MAPPING, body: customerMappingBody }, express.json({ limit: '64kb' }), async (req, res) => {
    res.json(await io.putMapping('customers', input(req, 'body', customerMappingBody).columns));
  });

  return r.router;
}
