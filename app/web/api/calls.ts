// Call records (docs/api/README.md: GET /api/calls, /api/calls/:id): the /calls page.
import { api } from './client';
import type { CallFilter } from './call-filter';

export { CALL_OUTCOMES, type CallOutcome } from '@server/calls/calls.outcomes';

export interface PathStep { step: string; at: string; digit?: string }

export interface CallRow {
  id: string;
  callerNumber: string;
  callerName: string | null;
  calledNumber: string;
  flow: string;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  outcome: string | null;
  hangupCause: string | null;
  digits: string;
  ivrPath: PathStep[];
  variables: Record<string, unknown> | null;
  source: string;
  queue: string | null;
  agentName: string | null;
  agentInterface: string | null;
  agentId: string | null;
  holdSeconds: number | null;
  talkSeconds: number | null;
  disposition: string | null;
  dispositionNote: string | null;
}

export interface CallEventRow { at: string; type: string; detail: Record<string, unknown> | null }

export interface CallDetail extends CallRow {
  tickets: Array<{ id: string; number: string; title: string; status: string }>;
  events: CallEventRow[];
}

export type { CallFilter };

export const callsApi = {
  list: (f: CallFilter) => api.get<{ items: CallRow[]; total: number }>('/api/calls', { ...f }),
  get: (id: string) => api.get<CallDetail>(`/api/calls/${encodeURIComponent(id)}`),
  /** The call's recordings (GET /api/recordings?callId=; supervisors and admins). */
  recordings: (callId: string) => api.get<{ items: Array<{ id: string; status: string }>; total: number }>('/api/recordings', { callId, limit: 5 }),
  agents: () => api.get<{ items: Array<{ id: string; name: string }> }>('/api/acd/agents'),
  queues: () => api.get<{ items: Array<{ name: string; settings?: { dispositions?: { codes?: Array<{ code: string; labels: Record<string, string> }> } } }> }>('/api/acd/queues'),
  flows: () => api.get<{ items: Array<{ name: string }> }>('/api/ivr/flows'),
};

/** Seconds as m:ss (h:mm:ss from an hour). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
