// Routes for the prompt library. Thin: parse with zod, call the service, map the result.
// Only the upload route reads a raw body, with its own size limit.
import { basename, dirname } from 'node:path';
import express, { type RequestHandler } from 'express';
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { Prompt } from './prompts.entities.js';
import { NotAudioError, PromptNotFoundError, TooLargeError } from './prompts.errors.js';
import { promptNameParams, ttsBody, uploadQuery } from './prompts.schemas.js';
import type { PromptsService, SaveResult } from './prompts.service.js';

/** Admins build flows and their prompts; supervisors may look and listen. */
const ADMIN = { allow: ['admin'], audit: 'config.change' } as const;
const READ = { allow: ['admin', 'supervisor'] } as const;
/** A prompt is uploaded as the raw audio file; the format is recognised from the bytes. */
const UPLOAD = { contentTypes: ['audio/wav', 'audio/mpeg', 'audio/ogg', 'audio/flac', 'application/octet-stream'], description: 'the audio file itself (wav, mp3, ogg or flac, recognised from its bytes); converted to 8 kHz mono for Asterisk' };

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
    res.locals.name = input(req, 'path', promptNameParams).name;
    res.locals.language = input(req, 'query', uploadQuery).language;
    next();
  };
  const raw = express.raw({ type: () => true, limit: opts.maxUploadBytes });
  const rawBody: RequestHandler = (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return next(new TooLargeError(opts.maxUploadBytes));
      next(err);
    });
  const json = express.json({ limit: '64kb' });

  router.put('/prompts/:name', { ...ADMIN, params: promptNameParams, query: uploadQuery, upload: UPLOAD }, checkUpload, rawBody, async (req, res) => {
    // A body some other parser already took (e.g. sent as application/json) is not a file.
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new NotAudioError('the request body');
    saved(res, await prompts.upload(res.locals.name as string, res.locals.language as 'en' | 'zh', req.body));
  });

  router.post('/prompts/tts', { ...ADMIN, body: ttsBody }, json, async (req, res) => {
    const body = input(req, 'body', ttsBody);
    saved(res, await prompts.synthesize(body.text, body.language));
  });

  router.post('/prompts/:name/tts', { ...ADMIN, params: promptNameParams, body: ttsBody }, json, async (req, res) => {
    const { name } = input(req, 'path', promptNameParams);
    const body = input(req, 'body', ttsBody);
    saved(res, await prompts.synthesize(body.text, body.language, name));
  });

  router.get('/prompts', READ, async (_req, res) => {
    const items = await prompts.list();
    res.json({ items: items.map(toJson), total: items.length });
  });

  router.get('/prompts/:name', { ...READ, params: promptNameParams }, async (req, res) => {
    const { name } = input(req, 'path', promptNameParams);
    res.json(toJson(await prompts.get(name)));
  });

  router.get('/prompts/:name/audio', { ...READ, params: promptNameParams }, async (req, res) => {
    const { name } = input(req, 'path', promptNameParams);
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

  router.delete('/prompts/:name', { ...ADMIN, params: promptNameParams }, async (req, res) => {
    const { name } = input(req, 'path', promptNameParams);
    await prompts.delete(name);
    res.status(204).end();
  });
}
