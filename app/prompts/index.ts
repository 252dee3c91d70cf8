// Wires the prompt library from explicit dependencies.
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger.js';
import { promptsRoutes } from './prompts.http.js';
import type { SecureRouter } from '../auth/permissions.js';
import { PromptsService } from './prompts.service.js';

export { PromptsService } from './prompts.service.js';
export type { SaveResult, SaveOutcome } from './prompts.service.js';

export function createPromptsModule(deps: {
  db: DataSource;
  dir: string;
  soundPrefix: string;
  maxUploadBytes: number;
  maxSeconds: number;
  log: Logger;
  routes: SecureRouter;
}) {
  const log = deps.log.child({ module: 'prompts' });
  const service = new PromptsService({ ...deps, log });
  promptsRoutes(deps.routes, service, { maxUploadBytes: deps.maxUploadBytes });
  return { service, router: deps.routes.router };
}
