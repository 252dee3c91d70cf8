// The Express app: JSON with a size limit, health and metrics, the module routers, and
// the one error handler last.
import express, { type Router } from 'express';
import type { Logger } from '../logger.js';
import { errorHandler, notFound } from './error-handler.js';
import type { HealthSource } from './health.js';
import { healthRouter } from './health.js';
import { metricsAccess, type MetricsAccess } from './metrics-access.js';
import { consoleRouter } from './console.js';
import { cors, securityHeaders } from './security.js';

export interface HttpDeps {
  log: Logger;
  /** Browser origins allowed to call the API (CORS); empty: closed. */
  corsOrigins?: string[];
  tls?: boolean;
  health: HealthSource;
  metrics?: { contentType: string; metrics(): Promise<string> };
  /** Who may read /metrics (default: this machine only, no token). */
  metricsAccess?: MetricsAccess;
  api: Router[];
  /** Serve the web console at `/` (default true). */
  console?: boolean;
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders(deps.tls ?? false));
  app.use(cors(deps.corsOrigins ?? []));
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(deps.health));
  if (deps.metrics) {
    const registry = deps.metrics;
    app.get('/metrics', metricsAccess(deps.metricsAccess ?? { allow: ['127.0.0.1', '::1'] }), async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });
  }
  for (const router of deps.api) app.use('/api', router);
  if (deps.console !== false) app.use(consoleRouter());
  app.use(notFound());
  app.use(errorHandler(deps.log));
  return app;
}
