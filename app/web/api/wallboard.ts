// The wallboard's API: the board (GET /api/wallboard) and a supervisor's actions on an agent.
import { api } from './client';
import type { BreakReason } from './desk';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export interface WallboardThresholds {
  timezone: string;
  waitingWarn: number;
  waitingAlarm: number;
  longestWaitWarnSeconds: number;
  longestWaitAlarmSeconds: number;
  serviceLevelWarn: number;
  serviceLevelAlarm: number;
}

export interface QueueFigures {
  queue: string;
  waiting: number;
  oldestJoinedAt: string | null;
  longestWaitSeconds: number;
  callers: Array<{ uniqueid: string; callerNumber: string; joinedAt: string }>;
  today: {
    since: string;
    answered: number;
    abandoned: number;
    answeredWithinServiceLevel: number;
    serviceLevel: number | null;
    serviceLevelSeconds: number;
    asaSeconds: number | null;
    definitions: { serviceLevelSeconds: number; shortAbandonSeconds: number; shortAbandonTreatment: 'counted' | 'excluded' | 'sl2'; repeatWindowHours: number };
    /** Today's satisfaction survey answers; null when nobody was surveyed today. */
    satisfaction: { surveyed: number; answered: number; satisfied: number; csat: number | null; averageScore: number | null; responseRate: number | null } | null;
  };
  settings: WallboardThresholds;
}

export interface BoardAgent {
  id: string;
  name: string;
  team: string;
  state: string;
  reason: string;
  since: string;
  wrapupUntil: string | null;
  queues: string[];
}

export interface Board {
  at: string;
  queues: QueueFigures[];
  agents: BoardAgent[];
  breakReasons: BreakReason[];
}

export const wallboardApi = {
  board: () => api.get<Board>('/api/wallboard'),
  break: (agentId: string, reason: string) => api.post<unknown>(`/api/wallboard/agents/${agentId}/break`, { reason }),
  ready: (agentId: string) => api.post<unknown>(`/api/wallboard/agents/${agentId}/ready`),
  logout: (agentId: string) => api.post<unknown>(`/api/wallboard/agents/${agentId}/logout`),
  monitor: (agentId: string, mode: MonitorMode) => api.post<{ channelId: string; agentId: string; mode: MonitorMode }>(`/api/wallboard/agents/${agentId}/monitor`, { mode }),
  stopMonitor: () => api.del<{ ended: number }>('/api/wallboard/monitor'),
};
