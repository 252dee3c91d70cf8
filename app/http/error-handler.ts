// The one error handler: AppErrors map to their status and stable code; anything else is
// a 500 with no internals (the log keeps the message, never a secret).
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

export function notFound(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: { code: 'route_not_found', message: `no route for ${req.method} ${req.path}` } });
  };
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof AppError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: 'request body is too large' } });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: 'request body is not valid JSON' } });
      return;
    }
    if (err instanceof URIError && e.status === 400) {
      // The router could not percent-decode a path segment (e.g. %ED%A0%80, a lone surrogate in UTF-8).
      res.status(400).json({ error: { code: 'malformed_path', message: 'the path is not valid percent-encoded UTF-8' } });
      return;
    }
    log.error({ err: e.message, method: req.method, path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
