// Routes for the prompt library. Thin: parse with zod, call the service, map the result.
// Only the upload route reads a raw body, with its own size limit.
import { basename, dirname } from 'node:path';
import express, { type RequestHandler } from 'express';
import type { SecureRouter } from '../auth/permissions.js';
import { parse } from '../http/validate.js';
import type { Prompt } from './prompts.entities.js';
import { NotAudioError, PromptNotFoundError, TooLargeError } from './prompts.errors.js';
import { promptNameParams, ttsBody, uploadQuery } from './prompts.schemas.js';
import type { PromptsService, SaveResult } from './prompts.service.js';

/** Admins build flows and their prompts; supervisors may look and listen. */
const ADMIN = { allow: ['admin'], audit: 'config.change' } as const;
const READ = { allow: ['admin', 'supervisor'] } as const;

export function promptsRoutes(router: SecureRouter, prompts: PromptsService, opts: { maxUploadBytes: number }): void {
  const toJson = (p: Prompt) => ({
    id: p.id,
    name: p.name,
    language: p.language,
    source: p.source,
    text: p.text,
    durationMs: p.durationMs,
    sizeBytes: p.sizeBytes,
    sha256: p.sha256,
    sound: prompts.soundFor(p.name),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  });
  const saved = (res: express.Response, r: SaveResult) =>
    res.status(r.outcome === 'created' ? 201 : 200).json({ ...toJson(r.prompt), outcome: r.outcome });

  // Name and language are checked before the body is read, so a bad request costs no upload.
  const checkUpload: RequestHandler = (req, res, next) => {
    res.locals.name = parse(promptNameParams, req.params, 'path').name;
    res.locals.language = parse(uploadQuery, req.query, 'query').language;
    next();
  };
  const raw = express.raw({ type: () => true, limit: opts.maxUploadBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new TooLargeError(opts.maxUploadBytes));
      next(err);
    });
  const json = express.json({ limit: '64kb' });

  router.put('/prompts/:name', ADMIN, checkUpload, rawBody, async (req, res) => {
    // A body some other parser already took (e.g. sent as application/json) is not a file.
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new NotAudioError('the request body');
    saved(res, await prompts.upload(res.locals.name as string, res.locals.language as 'en' | 'zh', req.body));
  });

  router.post('/prompts/tts', ADMIN, json, async (req, res) => {
    const body = parse(ttsBody, req.body, 'body');
    saved(res, await prompts.synthesize(body.text, body.language));
  });

  router.post('/prompts/:name/tts', ADMIN, json, async (req, res) => {
    const { name } = parse(promptNameParams, req.params, 'path');
    const body = parse(ttsBody, req.body, 'body');
    saved(res, await prompts.synthesize(body.text, body.language, name));
  });

  router.get('/prompts', READ, async (_req, res) => {
    const items = await prompts.list();
    res.json({ items: items.map(toJson), total: items.length });
  });

  router.get('/prompts/:name', READ, async (req, res) => {
    const { name } = parse(promptNameParams, req.params, 'path');
    res.json(toJson(await prompts.get(name)));
  });

  router.get('/prompts/:name/audio', READ, async (req, res) => {
    const { name } = parse(promptNameParams, req.params, 'path');
    const prompt = await prompts.get(name);
    res.setHeader('Content-Disposition', `attachment; filename="${prompt.name}.wav"`);
    const file = prompts.audioPath(prompt.name);
    await new Promise<void>((resolve, reject) =>
      res.type('audio/wav').sendFile(basename(file), { root: dirname(file), cacheControl: false }, (err?: Error) => {
        if (!err || res.headersSent) return resolve(); // sent, or the client went away mid-file
        reject(new PromptNotFoundError(`${prompt.name} audio`));
      }),
    );
  });

  router.delete('/prompts/:name', ADMIN, async (req, res) => {
    const { name } = parse(promptNameParams, req.params, 'path');
    await prompts.delete(name);
    res.status(204).end();
  });
}
