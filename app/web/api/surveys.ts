// Satisfaction surveys (满意度调查, docs/api/surveys.md): the admin's Surveys tab, the queue form's
// survey field, the Reports page's Satisfaction view and a call's answer in its drawer. The forms
// validate with the server's own schemas (re-exported here).
import { api } from './client';
import type { SurveyFigures } from '@server/reports/survey-definitions';
import type { PromptRef } from '@server/ivr/ivr.schemas';
import type { ResponseStatus, SurveyOption } from '@server/survey/survey.schemas';

export { REPORT_GROUPS, RESPONSE_STATUSES, SURVEY_LANGUAGES, surveyCreateBody, surveyName, surveyOption, surveyUpdateBody } from '@server/survey/survey.schemas';
export type { PromptRef, ResponseStatus, SurveyOption };

export type SurveyLanguage = 'zh' | 'en';
export type ReportGroup = 'queue' | 'agent' | 'survey' | 'day';

/** A survey as the API answers it (times as ISO text). */
export interface Survey {
  id: string;
  name: string;
  question: PromptRef;
  options: SurveyOption[];
  invalidPrompt?: PromptRef;
  thanksPrompt?: PromptRef;
  language: SurveyLanguage;
  timeoutSeconds: number;
  retries: number;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/** What POST /api/surveys takes (PUT: the same without the name, prompts null to remove them). */
export interface SurveyBody {
  name?: string;
  question: PromptRef;
  options: SurveyOption[];
  invalidPrompt?: PromptRef | null;
  thanksPrompt?: PromptRef | null;
  language: SurveyLanguage;
  timeoutSeconds: number;
  retries: number;
}

/** One surveyed call. `key`/`label`/`score`/`satisfied` null unless answered. */
export interface SurveyResponse {
  id: string;
  callId: string;
  survey: string;
  queue: string;
  agentId: string | null;
  agentName: string | null;
  callerNumber: string;
  status: ResponseStatus;
  key: string | null;
  label: string | null;
  score: number | null;
  satisfied: boolean | null;
  asked: number;
  startedAt: string;
  endedAt: string | null;
}

export type ReportRow = SurveyFigures & { key: string; label: string };
export interface SurveyReport {
  groupBy: ReportGroup;
  from: string;
  to: string;
  rows: ReportRow[];
  total: SurveyFigures;
  definitions: { en: string[]; 'zh-CN': string[] };
}

/** The window and the narrowing both the report and the response list take. */
export interface SurveyWindow {
  from: string;
  to: string;
  queue?: string;
  agentId?: string;
  survey?: string;
}

const at = (name: string) => `/api/surveys/${encodeURIComponent(name)}`;

export const surveysApi = {
  list: () => api.get<{ items: Survey[] }>('/api/surveys'),
  create: (body: SurveyBody) => api.post<Survey>('/api/surveys', body),
  update: (name: string, body: Omit<SurveyBody, 'name'>) => api.put<Survey>(at(name), body),
  remove: (name: string) => api.del<void>(at(name)),
  report: (w: SurveyWindow & { groupBy: ReportGroup; timezone: string }) => api.get<SurveyReport>('/api/surveys/report', { ...w }),
  responses: (w: SurveyWindow & { status?: ResponseStatus; limit: number; offset: number }) =>
    api.get<{ items: SurveyResponse[]; total: number; limit: number; offset: number }>('/api/surveys/responses', { ...w }),
  ofCall: (callId: string) => api.get<{ response: SurveyResponse | null }>('/api/surveys/response-of-call', { callId }).then((r) => r.response),
  /** The queues and the survey each names (the list's "used by"). */
  queues: () => api.get<{ items: Array<{ name: string; settings?: { survey?: string } }> }>('/api/acd/queues'),
};
