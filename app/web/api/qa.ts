// Recordings and quality inspection as the console uses them: search, metadata and the player's
// ticketed URL (GET /api/recordings*, POST /api/recordings/:id/play), scorecards, evaluations
// and their workflow, and the QA report (/api/qa/*).
import { api } from './client';

export const FLAGS = ['silence', 'long_silence', 'talk_over', 'agent_quiet', 'agent_dominates', 'keyword', 'unsatisfied'] as const;

/** A keyword the recogniser found (English phrases only): which phrase, which leg, seconds from the start. */
export interface KeywordHit {
  phrase: string;
  leg: 'agent' | 'caller';
  from: number;
  to: number;
}

export interface RecordingSignals {
  durationSeconds: number;
  callerTalkRatio: number;
  agentTalkRatio: number;
  silenceRatio: number;
  longestSilenceSeconds: number;
  talkOverSeconds: number;
  callerTalk: Array<[number, number]>;
  agentTalk: Array<[number, number]>;
}

export interface RecordingRow {
  id: string;
  callId: string | null;
  queue: string;
  agentId: string | null;
  customerNumber: string;
  status: 'recording' | 'storing' | 'stored' | 'failed' | 'purged';
  answeredAt: string;
  durationMs: number | null;
  pauses: Array<{ from: number; to: number | null }>;
  signals: RecordingSignals | null;
  flags: string[];
  /** null: not searched for keywords. */
  keywords: KeywordHit[] | null;
}

export interface RecordingFilter {
  from?: string;
  to?: string;
  queue?: string;
  agentId?: string;
  number?: string;
  flag?: string;
  flagged?: 'true' | 'false';
  minSeconds?: number;
  limit?: number;
  offset?: number;
}

export interface ScorecardItem {
  id: string;
  text: string;
  type: 'yesno' | 'scale';
  max?: number;
  weight: number;
  critical: boolean;
  allowNa: boolean;
}
export interface Scorecard {
  id: string;
  name: string;
  queue: string | null;
  version: number;
  sections: Array<{ title: string; weight: number; items: ScorecardItem[] }>;
}

/** What POST /api/qa/scorecards and PUT /api/qa/scorecards/:id take (a PUT makes a new version). */
export interface ScorecardInput {
  name: string;
  queue: string | null;
  sections: Array<{ title: string; weight: number; items: ScorecardItem[] }>;
}

/** A phrase spotted in recordings (English only): for one queue or all (null), on a leg. */
export type KeywordLeg = 'agent' | 'caller' | 'both';
export interface Keyword {
  id: string;
  phrase: string;
  queue: string | null;
  leg: KeywordLeg;
  threshold: number;
  createdBy: string;
  createdAt: string;
}
export interface NewKeyword {
  phrase: string;
  queue: string | null;
  leg: KeywordLeg;
  threshold?: number;
}

export interface QaComment {
  at: number;
  text: string;
}
export type EvaluationStatus = 'submitted' | 'acknowledged' | 'disputed' | 'resolved';
export const EVALUATION_STATUSES: EvaluationStatus[] = ['submitted', 'acknowledged', 'disputed', 'resolved'];

export interface Evaluation {
  id: string;
  recordingId: string;
  callId: string | null;
  scorecardId: string;
  scorecardVersion: number;
  agentId: string | null;
  queue: string;
  evaluator: string;
  answers: Record<string, number | 'na'>;
  comments: QaComment[];
  summary: string;
  score: number;
  criticalFailed: string[];
  status: EvaluationStatus;
  disputeComment: string | null;
  resolutionComment: string | null;
  resolvedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewEvaluation {
  recordingId: string;
  scorecardId: string;
  answers: Record<string, number | 'na'>;
  comments: QaComment[];
  summary: string;
}

export type ReportBy = 'agent' | 'queue' | 'item';
export interface QaReportRow {
  key: string;
  evaluations: number;
  average: number;
}

export const recordingsApi = {
  search: (f: RecordingFilter) => api.get<{ items: RecordingRow[]; total: number }>('/api/recordings', { ...f }),
  get: (id: string) => api.get<RecordingRow>(`/api/recordings/${id}`),
  /** A URL the <audio> element streams (with Range) without the bearer header: a play ticket. */
  playUrl: (id: string, leg: 'mixed' | 'caller' | 'agent' = 'mixed') => api.post<{ url: string; expiresAt: string }>(`/api/recordings/${id}/play`, { leg }),
  agents: () => api.get<{ items: Array<{ id: string; name: string }> }>('/api/acd/agents'),
  queues: () => api.get<{ items: Array<{ name: string }> }>('/api/acd/queues'),
  keywords: () => api.get<{ items: Keyword[] }>('/api/recordings/keywords'),
  addKeyword: (k: NewKeyword) => api.post<Keyword>('/api/recordings/keywords', k),
  removeKeyword: (id: string) => api.del<void>(`/api/recordings/keywords/${id}`),
};

export const qaApi = {
  scorecards: () => api.get<{ items: Scorecard[] }>('/api/qa/scorecards'),
  createScorecard: (c: ScorecardInput) => api.post<Scorecard>('/api/qa/scorecards', c),
  reviseScorecard: (id: string, c: ScorecardInput) => api.put<Scorecard>(`/api/qa/scorecards/${id}`, c),
  evaluations: (q: { agentId?: string; recordingId?: string; status?: EvaluationStatus; limit?: number } = {}) => api.get<{ items: Evaluation[] }>('/api/qa/evaluations', { ...q }),
  evaluate: (b: NewEvaluation) => api.post<Evaluation>('/api/qa/evaluations', b),
  acknowledge: (id: string) => api.post<Evaluation>(`/api/qa/evaluations/${id}/acknowledge`),
  dispute: (id: string, comment: string) => api.post<Evaluation>(`/api/qa/evaluations/${id}/dispute`, { comment }),
  resolve: (id: string, comment: string) => api.post<Evaluation>(`/api/qa/evaluations/${id}/resolve`, { comment }),
  report: (by: ReportBy, from?: string, to?: string) => api.get<{ by: ReportBy; rows: QaReportRow[] }>('/api/qa/report', { by, from, to }),
};

/** 83 → "01:23" (m:ss; h:mm:ss over an hour). */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
