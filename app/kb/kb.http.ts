// Routes of the knowledge base. Thin: parse with zod, call the service, map the result.
// Agents read published articles, search and vote; authors (agents, supervisors, admins)
// write drafts; supervisors and admins review, archive and keep the category tree.
// Changes go to the audit log (`audit: 'config.change'`).
import express, { type RequestHandler } from 'express';
import { principalOf } from '../auth/permissions.js';
import type { SecureRouter } from '../auth/permissions.js';
import { parse } from '../http/validate.js';
import { AttachmentTooLargeError, AttachmentTypeError } from './kb.errors.js';
import {
  articleIdParams,
  attachmentParams,
  categoryIdParams,
  createArticleBody,
  createCategoryBody,
  diffQuery,
  getArticleQuery,
  listQuery,
  rejectBody,
  reviewBody,
  searchQuery,
  updateArticleBody,
  updateCategoryBody,
  uploadQuery,
  voteBody,
} from './kb.schemas.js';
import type { KbService } from './kb.service.js';

const READ = { allow: ['admin', 'supervisor', 'agent'] } as const;
const AUTHOR = { allow: ['admin', 'supervisor', 'agent'], audit: 'config.change' } as const;
const AUTHOR_READ = { allow: ['admin', 'supervisor', 'agent'] } as const;
const REVIEW = { allow: ['admin', 'supervisor'], audit: 'config.change' } as const;

export function kbRoutes(r: SecureRouter, kb: KbService): void {
  const articleId = (req: express.Request) => parse(articleIdParams, req.params, 'path').articleId;
  const body = (req: express.Request) => (req.body === undefined ? {} : req.body);

  // Categories
  r.get('/kb/categories', READ, async (_req, res) => {
    res.json({ items: await kb.categories.tree() });
  });
  r.get('/kb/categories/:categoryId', READ, async (req, res) => {
    res.json(await kb.categories.get(parse(categoryIdParams, req.params, 'path').categoryId));
  });
  r.post('/kb/categories', REVIEW, async (req, res) => {
    res.status(201).json(await kb.categories.create(parse(createCategoryBody, body(req), 'body')));
  });
  r.patch('/kb/categories/:categoryId', REVIEW, async (req, res) => {
    const { categoryId } = parse(categoryIdParams, req.params, 'path');
    res.json(await kb.categories.update(categoryId, parse(updateCategoryBody, body(req), 'body')));
  });
  r.delete('/kb/categories/:categoryId', REVIEW, async (req, res) => {
    await kb.categories.delete(parse(categoryIdParams, req.params, 'path').categoryId);
    res.status(204).end();
  });

  // Search and lists: published versions only, unless drafts=true (authors, reviewers).
  r.get('/kb/search', READ, async (req, res) => {
    res.json(await kb.search(parse(searchQuery, req.query, 'query')));
  });
  r.get('/kb/articles', READ, async (req, res) => {
    res.json(await kb.list(principalOf(req), parse(listQuery, req.query, 'query')));
  });
  r.post('/kb/articles', AUTHOR, async (req, res) => {
    res.status(201).json(await kb.create(principalOf(req), parse(createArticleBody, body(req), 'body')));
  });
  r.get('/kb/articles/:articleId', READ, async (req, res) => {
    const { drafts } = parse(getArticleQuery, req.query, 'query');
    res.json(await kb.get(principalOf(req), articleId(req), drafts === true));
  });
  r.patch('/kb/articles/:articleId', AUTHOR, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.update(principalOf(req), id, parse(updateArticleBody, body(req), 'body')));
  });

  // Review flow
  r.post('/kb/articles/:articleId/submit', AUTHOR, async (req, res) => {
    const id = articleId(req);
    parse(reviewBody, body(req), 'body');
    res.json(await kb.submit(principalOf(req), id));
  });
  r.post('/kb/articles/:articleId/approve', REVIEW, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.approve(principalOf(req), id, parse(reviewBody, body(req), 'body').note));
  });
  r.post('/kb/articles/:articleId/reject', REVIEW, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.reject(principalOf(req), id, parse(rejectBody, body(req), 'body').note));
  });
  r.post('/kb/articles/:articleId/archive', REVIEW, async (req, res) => {
    const id = articleId(req);
    parse(reviewBody, body(req), 'body');
    res.json(await kb.archive(principalOf(req), id));
  });
  r.post('/kb/articles/:articleId/revise', AUTHOR, async (req, res) => {
    const id = articleId(req);
    parse(reviewBody, body(req), 'body');
    res.json(await kb.revise(principalOf(req), id));
  });
  r.get('/kb/articles/:articleId/versions', AUTHOR_READ, async (req, res) => {
    res.json(await kb.versions(principalOf(req), articleId(req)));
  });
  r.get('/kb/articles/:articleId/diff', AUTHOR_READ, async (req, res) => {
    const id = articleId(req);
    const { from, to } = parse(diffQuery, req.query, 'query');
    res.json(await kb.diff(principalOf(req), id, from, to));
  });

  // Votes
  r.put('/kb/articles/:articleId/vote', READ, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.extras.vote(principalOf(req), id, parse(voteBody, body(req), 'body').helpful));
  });

  // Attachments: the raw file as the request body, ?filename=; the type comes from the bytes.
  const checkUpload: RequestHandler = (req, res, next) => {
    res.locals.articleId = articleId(req);
    res.locals.filename = parse(uploadQuery, req.query, 'query').filename;
    next();
  };
  const raw = express.raw({ type: () => true, limit: kb.extras.maxAttachmentBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new AttachmentTooLargeError(kb.extras.maxAttachmentBytes));
      next(err);
    });
  r.post('/kb/articles/:articleId/attachments', AUTHOR, checkUpload, rawBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body)) throw new AttachmentTypeError(); // e.g. sent as JSON: not a file
    res.status(201).json(await kb.extras.upload(principalOf(req), res.locals.articleId as string, res.locals.filename as string, req.body));
  });
  r.get('/kb/articles/:articleId/attachments/:attachmentId', READ, async (req, res) => {
    const p = parse(attachmentParams, req.params, 'path');
    const file = await kb.extras.download(principalOf(req), p.articleId, p.attachmentId);
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.end(file.data);
  });
  r.delete('/kb/articles/:articleId/attachments/:attachmentId', AUTHOR, async (req, res) => {
    const p = parse(attachmentParams, req.params, 'path');
    await kb.extras.remove(principalOf(req), p.articleId, p.attachmentId);
    res.status(204).end();
  });
}
