// The server's own zod schemas, so that a form validates exactly as the API will.
export { createUserBody, loginBody, patchUserBody } from '@server/auth/auth.schemas';
export { createCustomerBody, noteBody, reminderBody } from '@server/crm/crm.schemas';
export { createTicketBody } from '@server/tickets/tickets.schemas';
export { searchQuery } from '@server/kb/kb.schemas';
export { breakBody, breakReasonsBody, CALLBACK_SCHEDULE_MAX_DAYS, createAgentBody, createCallbackBody, dispositionSettings, dialBody, queueName, queueSettings, RECORDING_MODES, regionsBody, routingRule, STRATEGIES, updateAgentBody } from '@server/acd/acd.schemas';
export { PRIORITIES, TYPES } from '@server/tickets/tickets.kinds';

import type { z } from 'zod';
export type { LabelledCode } from '@server/acd/acd.schemas';

/** Field → first message of a failed parse, for showing under each form field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

export { DIALABLE_NUMBER as DIALABLE } from '@server/acd/acd.schemas';
export { scheduleBody } from '@server/reports/schedules.schemas';
