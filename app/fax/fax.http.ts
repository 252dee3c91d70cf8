// Routes for faxes. Thin: parse with zod, call the service, map the result.
import express, { type RequestHandler } from 'express';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { FaxDocumentError } from './fax.documents.js';
import { input } from '../http/validate.js';
import type { Fax, FaxStatus } from './fax.entities.js';
import { faxListQuery, faxPageParams, faxParams, faxWorkBody, sendFaxQuery } from './fax.schemas.js';
import type { FaxThumbnails } from './fax.thumbnails.js';
import type { z } from 'zod';

type SendFaxQuery = z.infer<typeof sendFaxQuery>;
import type { FaxService } from './fax.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;

export const faxJson = (f: Fax) => ({
  id: f.id,
  direction: f.direction,
  status: f.status,
  callId: f.callId,
  remoteNumber: f.remoteNumber,
  localNumber: f.localNumber,
  queue: f.queue,
  customerId: f.customerId,
  remoteStationId: f.remoteStationId,
  rate: f.rate,
  pages: f.pages,
  durationSeconds: f.durationSeconds,
  pbxStatus: f.pbxStatus,
  error: f.error,
  subject: f.subject,
  createdBy: f.createdBy,
  attempts: f.attempts,
  maxAttempts: f.maxAttempts,
  nextAttemptAt: f.nextAttemptAt,
  createdAt: f.createdAt,
  finishedAt: f.finishedAt,
  assignedTo: f.assignedTo,
  ticketId: f.ticketId,
});

export type FaxWorkPatch = z.infer<typeof faxWorkBody>;

/** The console's routes on one fax: work on it (assign, customer, ticket), resend, page thumbnails. */
export function faxWorkRoutes(
  r: SecureRouter,
  faxes: FaxService,
  thumbs: FaxThumbnails,
  act: { update(id: string, patch: FaxWorkPatch, actor: string): Promise<Fax>; resend(id: string, actor: string): Promise<Fax> },
): void {
  r.get('/fax/:id/pages/:page', { ...READ, params: faxPageParams }, async (req, res) => {
    const { id, page } = input(req, 'path', faxPageParams);
    const fax = await faxes.get(id);
    if (page > fax.pages) throw new FaxDocumentError('no_such_page', `the fax has ${fax.pages} page(s)`, 404);
    const png = await thumbs.page(id, page, () => faxes.pdf(id));
    res.setHeader('content-type', 'image/png');
    res.setHeader('cache-control', 'private, max-age=86400');
    res.send(png);
  });
  r.patch('/fax/:id', { allow: ['admin', 'supervisor', 'agent'], params: faxParams, body: faxWorkBody }, async (req, res) => {
    const { id } = input(req, 'path', faxParams);
    res.json(faxJson(await act.update(id, input(req, 'body', faxWorkBody), principalOf(req).name)));
  });
  r.post('/fax/:id/resend', { ...WRITE, params: faxParams }, async (req, res) => {
    const { id } = input(req, 'path', faxParams);
    res.status(202).json(faxJson(await act.resend(id, principalOf(req).name)));
  });
}

export function faxRoutes(r: SecureRouter, faxes: FaxService): void {
  r.get('/fax', { ...READ, query: faxListQuery }, async (req, res) => {
    const q = input(req, 'query', faxListQuery);
    const { items, total } = await faxes.list({ ...q, status: q.status as FaxStatus | undefined });
    res.json({ items: items.map(faxJson), total, limit: q.limit, offset: q.offset });
  });
  r.get('/fax/:id', { ...READ, params: faxParams }, async (req, res) => {
    res.json(faxJson(await faxes.get(input(req, 'path', faxParams).id)));
  });
  r.get('/fax/:id/pdf', { ...READ, params: faxParams }, async (req, res) => {
    const { id } = input(req, 'path', faxParams);
    const pdf = await faxes.pdf(id);
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-disposition', `inline; filename="fax-${id}.pdf"`);
    res.send(pdf);
  });
}

const WRITE = { allow: ['admin', 'supervisor', 'agent'], audit: 'export' } as const;
const UPLOAD = { contentTypes: ['*/*'], description: 'the document itself (PDF, .docx, .xlsx, PNG or JPEG), sent with its own Content-Type' };

/** POST /api/fax/send: checks the number, converts and checks the document, queues the fax (202). */
export function faxSendRoutes(r: SecureRouter, send: (q: SendFaxQuery, content: Buffer, actor: string) => Promise<Fax>, maxBytes: number): void {
  const checkQuery: RequestHandler = (req, res, next) => {
    res.locals.query = input(req, 'query', sendFaxQuery);
    next();
  };
  const raw = express.raw({ type: () => true, limit: maxBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new FaxDocumentError('too_large', `the document is larger than ${maxBytes} bytes`, 413));
      next(err);
    });
  r.post('/fax/send', { ...WRITE, query: sendFaxQuery, upload: UPLOAD }, checkQuery, rawBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new FaxDocumentError('not_a_document', 'the request body must be the document itself (not JSON, not empty)', 415);
    const fax = await send(res.locals.query as SendFaxQuery, req.body, principalOf(req).name);
    res.status(202).json(faxJson(fax));
  });
}
