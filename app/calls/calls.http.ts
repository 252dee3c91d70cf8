// Routes for call records. Thin: parse with zod, call the service, map the result.
import type { SecureRouter } from '../auth/permissions.js';
import { input } from '../http/validate.js';
import type { CallEvent, CallRecord } from './calls.entities.js';
import { callIdParams, callListQuery } from './calls.schemas.js';
import type { CallsService } from './calls.service.js';

/** A call record as GET /api/calls/:id shows it (without its events and tickets). */
export const callRecordJson = (r: CallRecord) => ({
  id: r.id,
  channelId: r.channelId,
  callerNumber: r.callerNumber,
  callerName: r.callerName,
  calledNumber: r.calledNumber,
  flow: r.flow,
  startedAt: r.startedAt,
  answeredAt: r.answeredAt,
  endedAt: r.endedAt,
  durationMs: r.durationMs,
  outcome: r.outcome,
  hangupCause: r.hangupCause,
  digits: r.digits,
  ivrPath: JSON.parse(r.ivrPath) as unknown,
  currentStep: r.currentStep,
  flowVersionId: r.flowVersionId,
  variables: r.variables ? ((JSON.parse(r.variables) as { vars?: unknown }).vars ?? null) : null,
  handledBy: r.handledBy,
  source: r.source,
  queue: r.queue,
  agentInterface: r.agentInterface,
  agentName: r.agentName,
  holdSeconds: r.holdSeconds,
  talkSeconds: r.talkSeconds,
  agentId: r.agentId,
  disposition: r.disposition,
  dispositionNote: r.dispositionNote,
});

const eventJson = (e: CallEvent) => ({
  at: e.at,
  type: e.type,
  detail: e.detail ? (JSON.parse(e.detail) as unknown) : null,
});

/** Call records: supervisors and admins (agents get their own calls with the ACD's agent link). */
const READ = { allow: ['admin', 'supervisor', 'readonly'] } as const;

/** Tickets made from a call (the tickets module owns the link: a ticket's callId). */
export type TicketsOfCall = (callId: string) => Promise<Array<{ id: string; number: string; title: string; status: string }>>;

export function callsRoutes(router: SecureRouter, calls: CallsService, ticketsOfCall: TicketsOfCall): void {
  router.get('/calls', { ...READ, query: callListQuery }, async (req, res) => {
    const q = input(req, 'query', callListQuery);
    const { items, total } = await calls.list(q);
    res.json({ items: items.map(callRecordJson), total, limit: q.limit, offset: q.offset });
  });
  router.get('/calls/:id', { ...READ, params: callIdParams }, async (req, res) => {
    const { id } = input(req, 'path', callIdParams);
    const { record, events } = await calls.get(id);
    res.json({ ...callRecordJson(record), tickets: await ticketsOfCall(record.id), events: events.map(eventJson) });
  });
}
