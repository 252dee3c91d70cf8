// Wires the satisfaction surveys: the service, the routes, and the Stasis sink that asks callers
// whose agent hung up first (docs/api/surveys.md).
import type { DataSource } from 'typeorm';
import type { SecureRouter } from '../auth/permissions.js';
import type { Audit } from '../auth/audit.js';
import type { Logger } from '../logger.js';
import { ActiveLoop } from '../ha/active-loop.js';
import type { CallEventSink } from '../pbx/ports.js';
import { surveyRoutes, type SurveyPrompts } from './survey.http.js';
import { SurveyService, type QueuesUsing } from './survey.service.js';
import { surveySink, type SurveySinkDeps } from './survey.stasis.js';

/** No survey runs longer than this (4 askings of 30 s and their prompts): an `asking` row older is left over. */
const STALE_AFTER_MS = 15 * 60_000;

export function createSurveyModule(deps: { db: DataSource; prompts: SurveyPrompts; audit: Audit; agentOfUser: (userId: string) => Promise<string | null>; isActive: () => boolean; log: Logger; routes: SecureRouter }) {
  const log = deps.log.child({ module: 'survey' });
  const service = new SurveyService(deps.db);
  // The active node settles responses whose caller left while no node was asking them.
  const sweep = new ActiveLoop(async () => {
    const n = await service.settleStale(new Date(Date.now() - STALE_AFTER_MS));
    if (n) log.info({ responses: n }, 'survey responses left asking by a stopped node settled as failed');
  }, { isActive: deps.isActive, everyMs: 60_000, log, what: 'settling survey responses left asking' });
  surveyRoutes(deps.routes, service, deps.prompts, deps.audit, deps.agentOfUser);
  /** The queues that name a survey (the ACD): a survey in use is not deleted. */
  const useQueues = (using: QueuesUsing) => {
    service.queuesUsing = using;
  };
  /** The prompts the surveys name (a prompt in use is not deleted). */
  const promptUsers = async (prompt: string): Promise<string[]> =>
    (await service.list()).filter((s) => [s.question, s.invalidPrompt, s.thanksPrompt].some((p) => p && 'prompt' in p && p.prompt === prompt)).map((s) => `survey ${s.name}`);
  const sink = (next: CallEventSink, d: Omit<SurveySinkDeps, 'service' | 'log'>) => surveySink(next, { ...d, service, log });
  return { service, useQueues, promptUsers, sink, sweep, router: deps.routes.router };
}
