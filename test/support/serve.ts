// Serves routers under /api on a small express app (JSON, the project's 404 and error
// handler) on a free port, for tests of one module without the whole service.
import express, { type RequestHandler, type Router } from 'express';
import type { Server } from 'node:http';
import { errorHandler, notFound } from '../../app/http/error-handler.js';
import type { Logger } from '../../app/logger.js';

export interface Served {
  server: Server;
  /** http://127.0.0.1:<port>/api */
  base: string;
  close(): Promise<void>;
}

export async function serveApi(log: Logger, ...handlers: Array<Router | RequestHandler>): Promise<Served> {
  const app = express();
  app.set('query parser', 'simple'); // as app/http/app.ts
  app.use(express.json({ limit: '1mb' }));
  app.use('/api', ...handlers);
  app.use(notFound());
  app.use(errorHandler(log));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api`;
  return {
    server,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
