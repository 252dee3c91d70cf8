// The web console (app/web/, built by `vite build` into dist/web on `npm ci`), served by the same
// Express app at `/`: hashed assets with long caching, and index.html for every other GET that
// is not the API (SPA routes). Its own CSP: scripts only from this origin (no inline script),
// WebSockets to the live feed and to Asterisk's WebRTC transport. When the console was not
// built, `/` says how to build it instead of a blank page.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

export const CONSOLE_DIR = resolve(import.meta.dirname, '../../dist/web');

/** The console's CSP: no inline script; inline style attributes (Element Plus positions popups with them). */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_CONSOLE = /^\/(api|health|metrics)(\/|$)/;

export function consoleRouter(dir = CONSOLE_DIR): Router {
  const router = express.Router();
  const csp: RequestHandler = (req, res, next) => {
    if (!NOT_CONSOLE.test(req.path)) res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    next();
  };
  router.use(csp);
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      index: false,
      fallthrough: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );
  router.use(express.static(dir, { index: false }));
  router.get(/.*/, (req, res, next) => {
    if (NOT_CONSOLE.test(req.path) || !req.accepts('html')) return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web console is not built: run `npm run build:web` (npm ci builds it).\n');
      return;
    }
    res.sendFile(index);
  });
  return router;
}
