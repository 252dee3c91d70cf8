// Routes of the satisfaction surveys (docs/api/surveys.md). Thin: parse with zod, check the
// prompts a survey names, call the service, audit, map the result.
import { principalOf, type SecureRouter } from '../auth/permissions.js';
import type { Audit } from '../auth/audit.js';
import { input } from '../http/validate.js';
import type { PromptRef } from '../ivr/ivr.schemas.js';
import { SURVEY_DEFINITIONS } from '../reports/survey-definitions.js';
import type { SurveyResponse } from './survey.entities.js';
import { SurveyPromptMissingError } from './survey.errors.js';
import { mySurveyQuery, responseExportQuery, responseListQuery, responseOfCallQuery, surveyCreateBody, surveyParams, surveyReportQuery, surveyUpdateBody } from './survey.schemas.js';
import type { SurveyService, SurveyView } from './survey.service.js';
import { writeResponsesXlsx } from './survey.export.js';

const READ = { allow: ['admin', 'supervisor', 'readonly'] } as const;
const MANAGE = { allow: ['admin'] } as const;

/** What a survey's prompts must be: sounds Asterisk has and prompts the library has; text is synthesized now (a call never waits for it). */
export interface SurveyPrompts {
  soundExists(sound: string): Promise<boolean>;
  promptExists(name: string): Promise<boolean>;
  synthesize(text: string, language: 'en' | 'zh'): Promise<unknown>;
}

export const responseJson = (r: SurveyResponse) => ({
  id: r.id,
  callId: r.callId,
  survey: r.survey,
  queue: r.queue,
  agentId: r.agentId,
  agentName: r.agentName,
  callerNumber: r.callerNumber,
  status: r.status,
  key: r.key,
  label: r.label,
  score: r.score,
  satisfied: r.satisfied === null ? null : Boolean(r.satisfied),
  asked: r.asked,
  startedAt: r.startedAt,
  endedAt: r.endedAt,
});

async function checkPrompts(def: { question: PromptRef; invalidPrompt?: PromptRef | null; thanksPrompt?: PromptRef | null; language: 'en' | 'zh' }, p: SurveyPrompts): Promise<void> {
  for (const field of ['question', 'invalidPrompt', 'thanksPrompt'] as const) {
    const ref = def[field];
    if (!ref) continue;
    if ('sound' in ref && !(await p.soundExists(ref.sound))) throw new SurveyPromptMissingError(field, `sound ${ref.sound}`);
    if ('prompt' in ref && !(await p.promptExists(ref.prompt))) throw new SurveyPromptMissingError(field, `prompt ${ref.prompt}`);
    if ('text' in ref) await p.synthesize(ref.text, def.language);
  }
}

export function surveyRoutes(r: SecureRouter, surveys: SurveyService, prompts: SurveyPrompts, audit: Audit, agentOfUser: (userId: string) => Promise<string | null>): void {
  const log = (req: Parameters<Parameters<SecureRouter['get']>[2]>[0], action: string, s: SurveyView) =>
    audit({ actor: principalOf(req).name, actorIp: req.ip ?? null, action, target: `survey:${s.name}`, detail: { name: s.name, options: s.options.length } });

  r.get('/surveys', READ, async (_req, res) => {
    res.json({ items: await surveys.list() });
  });
  // Before /surveys/:name (not survey names).
  r.get('/surveys/responses', { ...READ, query: responseListQuery }, async (req, res) => {
    const q = input(req, 'query', responseListQuery);
    const { items, total } = await surveys.responses(q);
    res.json({ items: items.map(responseJson), total, limit: q.limit, offset: q.offset });
  });
  r.get('/surveys/responses/export.xlsx', { allow: ['admin', 'supervisor'], audit: 'export', query: responseExportQuery }, async (req, res) => {
    const { locale, ...q } = input(req, 'query', responseExportQuery);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', 'attachment; filename="survey-responses.xlsx"');
    await writeResponsesXlsx(res, surveys, q, locale);
  });
  r.get('/surveys/response-of-call', { allow: ['admin', 'supervisor', 'readonly', 'agent'], query: responseOfCallQuery }, async (req, res) => {
    const found = await surveys.ofCall(input(req, 'query', responseOfCallQuery).callId);
    res.json({ response: found ? responseJson(found) : null });
  });
  // An agent's own: how the callers they served answered (the agent desk's "my day").
  r.get('/surveys/mine', { allow: ['agent', 'supervisor', 'admin'], query: mySurveyQuery }, async (req, res) => {
    const q = input(req, 'query', mySurveyQuery);
    const agentId = await agentOfUser(principalOf(req).id);
    if (!agentId) {
      res.json({ agentId: null, total: null, recent: [] });
      return;
    }
    const [report, recent] = await Promise.all([
      surveys.report({ ...q, agentId, groupBy: 'agent', timezone: 'UTC' }),
      surveys.responses({ ...q, agentId, status: 'answered', limit: 20, offset: 0 }),
    ]);
    res.json({ agentId, total: report.total, recent: recent.items.map(responseJson) });
  });
  r.get('/surveys/report', { ...READ, query: surveyReportQuery }, async (req, res) => {
    const q = input(req, 'query', surveyReportQuery);
    const out = await surveys.report(q);
    res.json({ groupBy: q.groupBy, from: q.from, to: q.to, ...out, definitions: SURVEY_DEFINITIONS });
  });
  r.get('/surveys/:name', { ...READ, params: surveyParams }, async (req, res) => {
    res.json(await surveys.get(input(req, 'path', surveyParams).name));
  });
  r.post('/surveys', { ...MANAGE, body: surveyCreateBody }, async (req, res) => {
    const body = input(req, 'body', surveyCreateBody);
    await checkPrompts(body, prompts);
    const s = await surveys.create(body, principalOf(req).name);
    await log(req, 'survey.create', s);
    res.status(201).json(s);
  });
  r.put('/surveys/:name', { ...MANAGE, params: surveyParams, body: surveyUpdateBody }, async (req, res) => {
    const { name } = input(req, 'path', surveyParams);
    const body = input(req, 'body', surveyUpdateBody);
    await checkPrompts(body, prompts);
    const s = await surveys.update(name, body, principalOf(req).name);
    await log(req, 'survey.update', s);
    res.json(s);
  });
  r.delete('/surveys/:name', { ...MANAGE, params: surveyParams }, async (req, res) => {
    const s = await surveys.remove(input(req, 'path', surveyParams).name);
    await log(req, 'survey.delete', s);
    res.status(204).end();
  });
}
