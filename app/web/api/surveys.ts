// Satisfaction surveys (满意度调查, docs/api/surveys.md): the admin's Surveys tab, the queue form's
// survey field, the Reports page's Satisfaction view and a call's answer in its drawer. The forms
// validate with the server's own schemas (re-exported here).
import { api, download } from './client';
import type { ReportGroup, ResponseStatus, Survey, SurveyBody, SurveyReport, SurveyResponse, SurveyWindow } from './survey-types';

export { REPORT_GROUPS, RESPONSE_STATUSES, SURVEY_LANGUAGES, surveyCreateBody, surveyName, surveyOption, surveyUpdateBody } from '@server/survey/survey.schemas';
export type * from './survey-types';

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
  /** The responses of a window as .xlsx (headed in the page's language). */
  exportResponses: (w: SurveyWindow, locale: 'zh-CN' | 'en') => download('/api/surveys/responses/export.xlsx', { ...w, locale }, 'survey-responses.xlsx'),
  /** The queues and the survey each names (the list's "used by"). */
  queues: () => api.get<{ items: Array<{ name: string; settings?: { survey?: string } }> }>('/api/acd/queues'),
};
