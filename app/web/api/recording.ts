// The agent's recording button: the current call's recording as the server has it, and its actions.
import { api } from './client';

export interface LiveRecording {
  id: string;
  /** idle: the queue records on demand and it has not started. */
  status: 'idle' | 'recording';
  paused: boolean;
}

export const recordingApi = {
  live: (agentId: string) => api.get<{ recording: LiveRecording | null }>(`/api/acd/agents/${agentId}/recording`),
  act: (agentId: string, action: 'start' | 'pause' | 'resume') => api.post<{ recording: LiveRecording | null }>(`/api/acd/agents/${agentId}/recording`, { action }),
};
