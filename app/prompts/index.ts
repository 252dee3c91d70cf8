// Wires the prompt library from explicit dependencies.
import { promptsRoutes } from './prompts.http.js';
import type { SecureRouter } from '../auth/permissions.js';
import { PromptsService, type PromptsServiceDeps } from './prompts.service.js';

export { PromptsService } from './prompts.service.js';
export type { SaveResult, SaveOutcome } from './prompts.service.js';

export function createPromptsModule(deps: PromptsServiceDeps & { routes: SecureRouter }) {
  const log = deps.log.child({ module: 'prompts' });
  const service = new PromptsService({ ...deps, log });
  promptsRoutes(deps.routes, service, { maxUploadBytes: deps.maxUploadBytes });
  return { service, router: deps.routes.router };
}
