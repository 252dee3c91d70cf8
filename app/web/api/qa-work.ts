// QA tasks (created by sampling rules) and calibration sessions as the console uses them
// (/api/qa/tasks, /api/qa/calibrations; admins and supervisors only).
import { api } from './client';

export type TaskStatus = 'open' | 'done' | 'cancelled';
export const TASK_STATUSES: TaskStatus[] = ['open', 'done', 'cancelled'];

export interface QaTask {
  id: string;
  ruleId: string;
  recordingId: string;
  agentId: string | null;
  queue: string;
  week: string;
  reason: 'sample' | 'flagged';
  scorecardId: string | null;
  assignee: string;
  dueAt: string;
  status: TaskStatus;
  evaluationId: string | null;
  createdAt: string;
  doneAt: string | null;
}

export interface CalibrationSession {
  id: string;
  title: string;
  recordingId: string;
  scorecardId: string;
  evaluators: string[];
  threshold: number;
  status: 'open' | 'closed';
  officialEvaluationId: string | null;
  createdBy: string;
  createdAt: string;
  closedAt: string | null;
  submitted?: number;
}

export interface SpreadFigures {
  n: number;
  mean: number | null;
  variance: number | null;
  stdDev: number | null;
  min: number | null;
  max: number | null;
  spread: number | null;
  flagged: boolean;
}

export interface CalibrationDetail extends CalibrationSession {
  pending: string[];
  evaluations: Array<{ id: string; evaluator: string; score: number; official: boolean }>;
  results: {
    threshold: number;
    items: Array<SpreadFigures & { id: string; text: string; fullMarks: number; values: Record<string, number | 'na'> }>;
    total: SpreadFigures & { scores: Record<string, number> };
    flaggedItems: string[];
  };
}

export const qaWorkApi = {
  tasks: (q: { mine?: 'true' | 'false'; status?: TaskStatus; limit?: number } = {}) => api.get<{ items: QaTask[] }>('/api/qa/tasks', { ...q }),
  cancelTask: (id: string) => api.post<QaTask>(`/api/qa/tasks/${id}/cancel`),
  calibrations: () => api.get<{ items: CalibrationSession[] }>('/api/qa/calibrations', { limit: 100 }),
  calibration: (id: string) => api.get<CalibrationDetail>(`/api/qa/calibrations/${id}`),
};
