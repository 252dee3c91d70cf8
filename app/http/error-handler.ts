// The one error handler: AppErrors map to their status and stable code; a database that cannot
// be reached is a 503 (try again); anything else is a 500 with no internals (the log keeps the
// message, never a secret).
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** The database could not be reached or used at all (not: a query was wrong). */
const DB_UNUSABLE = new Set(['PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY']);
/** Network failures, when the MySQL driver marks them fatal to its connection (another client's ETIMEDOUT, SMTP say, is not the database's). */
const NETWORK = new Set(['ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

function databaseUnreachable(err: unknown): boolean {
  const outer = err as { code?: unknown; fatal?: unknown; driverError?: { code?: unknown; fatal?: unknown } } | null;
  const e = outer?.driverError ?? outer; // TypeORM wraps the driver's error
  if (typeof e?.code !== 'string') return false;
  return DB_UNUSABLE.has(e.code) || (NETWORK.has(e.code) && e.fatal === true);
}

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
    if (databaseUnreachable(err)) {
      // Not this request's fault and nothing half-done: the caller may try again shortly.
      log.warn({ err: e.message, method: req.method, path: req.path }, 'request refused: the database does not answer');
      res.status(503).set('Retry-After', '5').json({ error: { code: 'database_unavailable', message: 'the database does not answer; try again in a few seconds' } });
      return;
    }
    log.error({ err: e.message, method: req.method, path: req.path }, 'unhandled error in request');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}
