// Routes for tickets. Thin: parse with zod, call the service, map the result. Only the
// attachment upload reads a raw body, with its own size limit.
import express, { type RequestHandler } from 'express';
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import { addAttachment, readAttachment } from './tickets.attachments.js';
import { AttachmentTooLargeError, AttachmentTypeError } from './tickets.errors.js';
import { mergeTickets } from './tickets.merge.js';
import { WORKER_ROLES } from './tickets.people.js';
import { assigneesQuery, attachmentParams, attachmentQuery, commentBody, customerParams, createTicketBody, listQuery, mergeBody, slaBody, slaParams, ticketParams, updateTicketBody } from './tickets.schemas.js';
import type { TicketsService } from './tickets.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent', 'readonly'] } as const;
/** Those who may change tickets (and so assign them), the same roles that may be assigned. */
const WRITE = { allow: WORKER_ROLES } as const;
const ADMIN = { allow: ['admin'], audit: 'config.change' } as const;
/** An attachment is the raw file as the body, its Content-Type kept with it. */
const UPLOAD = { contentTypes: ['*/*'], description: 'the file itself (not JSON, not empty), sent with its own Content-Type; ?fileName= names it' };

export function ticketsRoutes(r: SecureRouter, tickets: TicketsService, opts: { maxAttachmentBytes: number }): void {
  const actor = (req: express.Request) => principalOf(req).name;
  const id = (req: express.Request) => input(req, 'path', ticketParams).ticketId;

  r.post('/tickets', { ...WRITE, body: createTicketBody }, async (req, res) => {
    res.status(201).json(await tickets.create(input(req, 'body', createTicketBody), actor(req)));
  });
  r.get('/tickets', { ...READ, query: listQuery }, async (req, res) => {
    res.json(await tickets.list(input(req, 'query', listQuery)));
  });
  r.get('/tickets/:ticketId', { ...READ, params: ticketParams }, async (req, res) => {
    res.json(await tickets.get(id(req)));
  });
  r.patch('/tickets/:ticketId', { ...WRITE, params: ticketParams, body: updateTicketBody }, async (req, res) => {
    const ref = id(req);
    res.json(await tickets.update(ref, input(req, 'body', updateTicketBody), actor(req)));
  });
  r.post('/tickets/:ticketId/comments', { ...WRITE, params: ticketParams, body: commentBody }, async (req, res) => {
    const ref = id(req);
    res.status(201).json(await tickets.comment(ref, input(req, 'body', commentBody), actor(req)));
  });
  r.get('/tickets/:ticketId/comments', { ...READ, params: ticketParams }, async (req, res) => {
    res.json({ items: await tickets.comments(id(req)) });
  });
  r.get('/tickets/:ticketId/history', { ...READ, params: ticketParams }, async (req, res) => {
    res.json({ items: await tickets.history(id(req)) });
  });
  r.post('/tickets/:ticketId/merge', { ...WRITE, params: ticketParams, body: mergeBody }, async (req, res) => {
    const ref = id(req);
    res.json(await mergeTickets(tickets, ref, input(req, 'body', mergeBody).duplicate, actor(req)));
  });

  // Attachments: path and file name are checked before the body is read.
  const checkUpload: RequestHandler = (req, res, next) => {
    res.locals.ticket = id(req);
    res.locals.fileName = input(req, 'query', attachmentQuery).fileName;
    next();
  };
  const raw = express.raw({ type: () => true, limit: opts.maxAttachmentBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new AttachmentTooLargeError(opts.maxAttachmentBytes));
      next(err);
    });
  r.post('/tickets/:ticketId/attachments', { ...WRITE, params: ticketParams, query: attachmentQuery, upload: UPLOAD }, checkUpload, rawBody, async (req, res) => {
    // A body some other parser already took (sent as JSON) is not a file.
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AttachmentTypeError('the request body must be the file itself (not JSON, not empty)');
    const added = await addAttachment(tickets, res.locals.ticket as string, { fileName: res.locals.fileName as string, contentType: req.headers['content-type'], content: req.body }, actor(req));
    res.status(201).json(added);
  });
  r.get('/tickets/:ticketId/attachments', { ...READ, params: ticketParams }, async (req, res) => {
    res.json({ items: await tickets.attachments(id(req)) });
  });
  r.get('/tickets/:ticketId/attachments/:attachmentId', { ...READ, params: attachmentParams }, async (req, res) => {
    const p = input(req, 'path', attachmentParams);
    const { meta, content } = await readAttachment(tickets, p.ticketId, p.attachmentId);
    res.setHeader('content-type', meta.contentType);
    res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`);
    res.setHeader('x-content-sha256', meta.sha256);
    res.send(content);
  });

  // The customer's tickets, open ones first (screen pop, CRM timeline).
  r.get('/customers/:id/tickets', { ...READ, params: customerParams }, async (req, res) => {
    res.json({ items: await tickets.listForCustomer(input(req, 'path', customerParams).id) });
  });

  // Who a ticket can be assigned to: for those who may assign (WRITE), never read-only users.
  r.get('/ticket-assignees', { ...WRITE, query: assigneesQuery }, async (req, res) => {
    res.json(await tickets.assignees(input(req, 'query', assigneesQuery)));
  });

  r.get('/ticket-sla', READ, async (_req, res) => {
    res.json(await tickets.sla.policies());
  });
  r.put('/ticket-sla/:priority', { ...ADMIN, params: slaParams, body: slaBody }, async (req, res) => {
    const { priority } = input(req, 'path', slaParams);
    await tickets.sla.setPolicy(priority, input(req, 'body', slaBody), actor(req));
    res.json((await tickets.sla.policies())[priority]);
  });
}
