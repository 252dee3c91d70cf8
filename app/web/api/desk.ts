// The agent desktop's API: who the agent is, the server's state of the agent, the phone's
// credentials, break reasons and dispositions (GET /api/agent-desk/me), and the agent's actions.
import { ApiError, api } from './client';

export type AgentStateName = 'logged_out' | 'available' | 'ringing' | 'on_call' | 'wrap_up' | 'break';

export interface AgentServerState {
  state: AgentStateName;
  reason: string;
  since: string | null;
  wrapupUntil: string | null;
}

export interface PhoneCredentials {
  kind: 'webrtc';
  wsServer: string;
  uri: string;
  username: string;
  password: string;
  displayName: string;
}

export interface BreakReason {
  code: string;
  labels: Record<string, string>;
}

export interface QueueDispositions {
  required: boolean;
  codes: Array<{ code: string; labels?: Record<string, string> } | string>;
}

/** A desk SIP phone: calls ring it; the page has no phone of its own. */
export interface DeskPhone {
  kind: 'desk';
  endpoint: string;
}

export interface DeskMe {
  agent: { id: string; name: string; endpoint: string; queues?: string[]; team?: string };
  state: AgentServerState;
  phone: PhoneCredentials | DeskPhone | null;
  breakReasons: BreakReason[];
  dispositions: Record<string, QueueDispositions>;
}

/** Break reasons offered until an administrator sets a list (GET /api/agent-desk/me). */
export const DEFAULT_BREAK_REASONS: BreakReason[] = [
  { code: 'lunch', labels: { 'zh-CN': '用餐', en: 'Lunch' } },
  { code: 'rest', labels: { 'zh-CN': '休息', en: 'Rest' } },
  { code: 'meeting', labels: { 'zh-CN': '会议', en: 'Meeting' } },
  { code: 'training', labels: { 'zh-CN': '培训', en: 'Training' } },
];

interface AgentView {
  id: string;
  name: string;
  endpoint: string;
  team: string;
  userId: string | null;
  state: AgentStateName;
  stateSince: string | null;
  stateReason: string;
  wrapupUntil: string | null;
}

const stateOf = (a: AgentView): AgentServerState => ({ state: a.state, reason: a.stateReason ?? '', since: a.stateSince, wrapupUntil: a.wrapupUntil });

/** The desk's data; on a server without /api/agent-desk/me, pieced together from the ACD's routes. */
export async function loadDesk(userId: string): Promise<DeskMe> {
  try {
    const me = await api.get<DeskMe>('/api/agent-desk/me');
    return { ...me, state: { state: me.state.state, reason: me.state.reason ?? '', since: me.state.since ?? null, wrapupUntil: me.state.wrapupUntil ?? null }, breakReasons: me.breakReasons?.length ? me.breakReasons : DEFAULT_BREAK_REASONS, dispositions: me.dispositions ?? {} };
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'route_not_found') throw err;
  }
  const { items } = await api.get<{ items: AgentView[] }>('/api/acd/agents');
  const mine = items.find((a) => a.userId === userId);
  if (!mine) throw new ApiError(404, 'no_agent', 'no_agent');
  return { agent: { id: mine.id, name: mine.name, endpoint: mine.endpoint, team: mine.team }, state: stateOf(mine), phone: null, breakReasons: DEFAULT_BREAK_REASONS, dispositions: {} };
}

/** The server's state of one agent, asked again (after a reconnect, a reload, an action). */
export async function agentState(agentId: string): Promise<AgentServerState> {
  return stateOf(await api.get<AgentView>(`/api/acd/agents/${agentId}`));
}

/** The agent's call as Asterisk has it (GET /api/acd/agents/:id/call): shown when the browser's own SIP session is gone. */
export interface ServerCall {
  direction: 'inbound' | 'outbound';
  callerNumber: string;
  callerName: string;
  queue: string;
  callerUniqueid: string;
  bridged: boolean;
  answeredAt: string;
  pop: Record<string, unknown> | null;
}

/** Whom a call can be transferred to (GET /api/agent-desk/transfer-targets). */
export interface TransferTargets {
  agents: Array<{ id: string; name: string; endpoint: string; state: AgentStateName; reason: string }>;
  queues: Array<{ name: string }>;
}

export const deskApi = {
  transferTargets: () => api.get<TransferTargets>('/api/agent-desk/transfer-targets'),
  call: (agentId: string) => api.get<{ call: ServerCall | null }>(`/api/acd/agents/${agentId}/call`).then((r) => r.call),
  hangupCall: (agentId: string) => api.post<{ hungUp: boolean }>(`/api/acd/agents/${agentId}/call/hangup`),
  login: (agentId: string) => api.post<AgentView>(`/api/acd/agents/${agentId}/login`).then(stateOf),
  logout: (agentId: string) => api.post<AgentView>(`/api/acd/agents/${agentId}/logout`).then(stateOf),
  ready: (agentId: string) => api.post<AgentView>(`/api/acd/agents/${agentId}/ready`).then(stateOf),
  break: (agentId: string, reason: string) => api.post<AgentView>(`/api/acd/agents/${agentId}/break`, { reason }).then(stateOf),
  disposition: (agentId: string, body: { code: string; note?: string; callId?: string }) => api.post<unknown>(`/api/acd/agents/${agentId}/disposition`, body),
  dial: (agentId: string, number: string, name: string) => api.post<unknown>(`/api/acd/agents/${agentId}/dial`, { number, name }),
  timeline: (agentId: string, limit = 200) => api.get<{ items: Array<{ state: string; reason: string; source: string; at: string }> }>(`/api/acd/agents/${agentId}/timeline`, { limit }),
  callbacks: (queue?: string) => api.get<{ items: Array<Record<string, any>> }>('/api/acd/callbacks', { status: 'open', queue }),
  cancelCallback: (id: string) => api.del<unknown>(`/api/acd/callbacks/${id}`),
  /** How the callers this agent served answered the satisfaction survey (GET /api/surveys/mine). */
  mySurveys: (from: Date, to: Date) => api.get<MySurveys>('/api/surveys/mine', { from: from.toISOString(), to: to.toISOString() }),
};

export interface MySurveys {
  agentId: string | null;
  total: { surveyed: number; answered: number; satisfied: number; csat: number | null; averageScore: number | null } | null;
  recent: Array<{ callId: string; queue: string; callerNumber: string; label: string | null; score: number | null; satisfied: boolean | null; endedAt: string | null; startedAt: string }>;
}
