// Routes of the knowledge base. Thin: parse with zod, call the service, map the result.
// Agents read published articles, search and vote; authors (agents, supervisors, admins)
// write drafts; supervisors and admins review, archive and keep the category tree.
// Changes go to the audit log (`audit: 'config.change'`).
import express, { type RequestHandler } from 'express';
import { principalOf } from '../auth/permissions.js';
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
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
/** An attachment is the raw file as the body; its type is recognised from the bytes. */
const UPLOAD = { contentTypes: ['*/*'], description: 'the file itself (any Content-Type; the type is recognised from its bytes), ?filename= names it' };

export function kbRoutes(r: SecureRouter, kb: KbService): void {
  const articleId = (req: express.Request) => input(req, 'path', articleIdParams).articleId;
  const body = (req: express.Request) => (req.body === undefined ? {} : req.body);

  // Categories
  r.get('/kb/categories', READ, async (_req, res) => {
    res.json({ items: await kb.categories.tree() });
  });
  r.get('/kb/categories/:categoryId', { ...READ, params: categoryIdParams }, async (req, res) => {
    res.json(await kb.categories.get(input(req, 'path', categoryIdParams).categoryId));
  });
  r.post('/kb/categories', { ...REVIEW, body: createCategoryBody }, async (req, res) => {
    res.status(201).json(await kb.categories.create(input(req, 'body', createCategoryBody, body(req))));
  });
  r.patch('/kb/categories/:categoryId', { ...REVIEW, params: categoryIdParams, body: updateCategoryBody }, async (req, res) => {
    const { categoryId } = input(req, 'path', categoryIdParams);
    res.json(await kb.categories.update(categoryId, input(req, 'body', updateCategoryBody, body(req))));
  });
  r.delete('/kb/categories/:categoryId', { ...REVIEW, params: categoryIdParams }, async (req, res) => {
    await kb.categories.delete(input(req, 'path', categoryIdParams).categoryId);
    res.status(204).end();
  });

  // Search and lists: published versions only, unless drafts=true (authors, reviewers).
  r.get('/kb/search', { ...READ, query: searchQuery }, async (req, res) => {
    res.json(await kb.search(input(req, 'query', searchQuery)));
  });
  r.get('/kb/articles', { ...READ, query: listQuery }, async (req, res) => {
    res.json(await kb.list(principalOf(req), input(req, 'query', listQuery)));
  });
  r.post('/kb/articles', { ...AUTHOR, body: createArticleBody }, async (req, res) => {
    res.status(201).json(await kb.create(principalOf(req), input(req, 'body', createArticleBody, body(req))));
  });
  r.get('/kb/articles/:articleId', { ...READ, params: articleIdParams, query: getArticleQuery }, async (req, res) => {
    const { drafts } = input(req, 'query', getArticleQuery);
    res.json(await kb.get(principalOf(req), articleId(req), drafts === true));
  });
  r.patch('/kb/articles/:articleId', { ...AUTHOR, params: articleIdParams, body: updateArticleBody }, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.update(principalOf(req), id, input(req, 'body', updateArticleBody, body(req))));
  });

  // Review flow
  r.post('/kb/articles/:articleId/submit', { ...AUTHOR, params: articleIdParams, body: reviewBody, bodyOptional: true }, async (req, res) => {
    const id = articleId(req);
    input(req, 'body', reviewBody);
    res.json(await kb.submit(principalOf(req), id));
  });
  r.post('/kb/articles/:articleId/approve', { ...REVIEW, params: articleIdParams, body: reviewBody, bodyOptional: true }, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.approve(principalOf(req), id, input(req, 'body', reviewBody).note));
  });
  r.post('/kb/articles/:articleId/reject', { ...REVIEW, params: articleIdParams, body: rejectBody }, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.reject(principalOf(req), id, input(req, 'body', rejectBody, body(req)).note));
  });
  r.post('/kb/articles/:articleId/archive', { ...REVIEW, params: articleIdParams, body: reviewBody, bodyOptional: true }, async (req, res) => {
    const id = articleId(req);
    input(req, 'body', reviewBody);
    res.json(await kb.archive(principalOf(req), id));
  });
  r.post('/kb/articles/:articleId/revise', { ...AUTHOR, params: articleIdParams, body: reviewBody, bodyOptional: true }, async (req, res) => {
    const id = articleId(req);
    input(req, 'body', reviewBody);
    res.json(await kb.revise(principalOf(req), id));
  });
  r.get('/kb/articles/:articleId/versions', { ...AUTHOR_READ, params: articleIdParams }, async (req, res) => {
    res.json(await kb.versions(principalOf(req), articleId(req)));
  });
  r.get('/kb/articles/:articleId/diff', { ...AUTHOR_READ, params: articleIdParams, query: diffQuery }, async (req, res) => {
    const id = articleId(req);
    const { from, to } = input(req, 'query', diffQuery);
    res.json(await kb.diff(principalOf(req), id, from, to));
  });

  // Votes
  r.put('/kb/articles/:articleId/vote', { ...READ, params: articleIdParams, body: voteBody }, async (req, res) => {
    const id = articleId(req);
    res.json(await kb.extras.vote(principalOf(req), id, input(req, 'body', voteBody, body(req)).helpful));
  });

  // Attachments: the raw file as the request body, ?filename=; the type comes from the bytes.
  const checkUpload: RequestHandler = (req, res, next) => {
    res.locals.articleId = articleId(req);
    res.locals.filename = input(req, 'query', uploadQuery).filename;
    next();
  };
  const raw = express.raw({ type: () => true, limit: kb.extras.maxAttachmentBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new AttachmentTooLargeError(kb.extras.maxAttachmentBytes));
      next(err);
    });
  r.post('/kb/articles/:articleId/attachments', { ...AUTHOR, params: articleIdParams, query: uploadQuery, upload: UPLOAD }, checkUpload, rawBody, async (req, res) => {
    if (!Buffer.isBuffer(req.body)) throw new AttachmentTypeError(); // e.g. sent as JSON: not a file
    res.status(201).json(await kb.extras.upload(principalOf(req), res.locals.articleId as string, res.locals.filename as string, req.body));
  });
  r.get('/kb/articles/:articleId/attachments/:attachmentId', { ...READ, params: attachmentParams }, async (req, res) => {
    const p = input(req, 'path', attachmentParams);
    const file = await kb.extras.download(principalOf(req), p.articleId, p.attachmentId);
    const ascii = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.end(file.data);
  });
  r.delete('/kb/articles/:articleId/attachments/:attachmentId', { ...AUTHOR, params: attachmentParams }, async (req, res) => {
    const p = input(req, 'path', attachmentParams);
    await kb.extras.remove(principalOf(req), p.articleId, p.attachmentId);
    res.status(204).end();
  });
}
