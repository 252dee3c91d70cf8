// The survey API's shapes (docs/api/surveys.md) with no import the browser bundle and Node both
// cannot follow (relative paths with .js, as block-rules.ts): the pure form and filter modules
// (components/surveys/survey-form.ts, components/reports/satisfaction-query.ts) are unit-tested
// under Node. api/surveys.ts re-exports them.
import type { SurveyFigures } from '../../reports/survey-definitions.js';
import type { PromptRef } from '../../ivr/ivr.schemas.js';
import type { ResponseStatus, SurveyOption } from '../../survey/survey.schemas.js';

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
