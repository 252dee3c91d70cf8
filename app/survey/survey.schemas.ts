// zod schemas of the satisfaction-survey API (docs/api/surveys.md). The console's forms use the
// same ones, so a survey validates the same in the page and in the API.
import { z } from 'zod';
import { promptRef } from '../ivr/ivr.schemas.js';

/** A survey's name: what queues name it by (queue settings `survey`). */
export const surveyName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'survey names: letters, digits, _ and - (max 64), starting with a letter or digit');

const label = z
  .string()
  .trim()
  .min(1, 'give each answer a label')
  .max(32)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'no control characters');

/** One answer the caller may give: the key they press, what it means, its score, whether it counts as satisfied. */
export const surveyOption = z.strictObject({
  key: z.string().regex(/^[0-9]$/, 'one key 0-9'),
  label,
  score: z.number().int().min(0).max(10),
  satisfied: z.boolean(),
});
export type SurveyOption = z.infer<typeof surveyOption>;

const options = z
  .array(surveyOption)
  .min(2, 'a survey needs at least two answers')
  .max(10)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((o, i) => {
      const first = seen.get(o.key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `key ${o.key} is already answer ${first + 1}` });
      else seen.set(o.key, i);
    });
    if (!list.some((o) => o.satisfied)) ctx.addIssue({ code: 'custom', message: 'mark at least one answer as satisfied' });
  });

export const SURVEY_LANGUAGES = ['zh', 'en'] as const;

export const surveyFields = {
  /** What the caller hears after the agent hangs up (the question with its keys). */
  question: promptRef,
  options,
  /** Played when the caller pressed a key that is not an answer (then the question again). */
  invalidPrompt: promptRef.optional(),
  /** Played after the answer, before the call ends. */
  thanksPrompt: promptRef.optional(),
  /** Language text prompts are spoken in. */
  language: z.enum(SURVEY_LANGUAGES).default('zh'),
  /** Seconds the caller has to answer after the question. */
  timeoutSeconds: z.number().int().min(2).max(30).default(6),
  /** Times the question is asked again after no key or a wrong one. */
  retries: z.number().int().min(0).max(3).default(1),
};

export const surveyCreateBody = z.strictObject({ name: surveyName, ...surveyFields });
export const surveyUpdateBody = z.strictObject({
  question: surveyFields.question,
  options: surveyFields.options,
  invalidPrompt: surveyFields.invalidPrompt.nullable(),
  thanksPrompt: surveyFields.thanksPrompt.nullable(),
  language: surveyFields.language,
  timeoutSeconds: surveyFields.timeoutSeconds,
  retries: surveyFields.retries,
});
export type SurveyDefinition = z.infer<typeof surveyCreateBody>;

export const surveyParams = z.strictObject({ name: surveyName });

export const RESPONSE_STATUSES = ['asking', 'answered', 'no_answer', 'caller_hangup', 'failed'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

const day = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const queueName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue name');

const window = {
  from: day,
  to: day,
  queue: queueName.optional(),
  agentId: z.uuid().optional(),
  survey: surveyName.optional(),
};

function checkWindow<T extends { from: Date; to: Date }>(q: T, ctx: z.RefinementCtx): void {
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  else if (q.to.getTime() - q.from.getTime() > 400 * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at most 400 days at a time' });
}

export const responseListQuery = z
  .strictObject({
    ...window,
    status: z.enum(RESPONSE_STATUSES).optional(),
    satisfied: z.enum(['yes', 'no']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .superRefine(checkWindow);
export type ResponseListQuery = z.infer<typeof responseListQuery>;

export const responseExportQuery = z
  .strictObject({
    ...window,
    status: z.enum(RESPONSE_STATUSES).optional(),
    satisfied: z.enum(['yes', 'no']).optional(),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  })
  .superRefine(checkWindow);

export const responseOfCallQuery = z.strictObject({ callId: z.uuid() });

export const REPORT_GROUPS = ['queue', 'agent', 'survey', 'day'] as const;
export const surveyReportQuery = z
  .strictObject({
    ...window,
    groupBy: z.enum(REPORT_GROUPS).default('queue'),
    /** The timezone days are counted in (groupBy=day). */
    timezone: z.string().max(64).default('UTC').refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA timezone such as Asia/Shanghai'),
  })
  .superRefine(checkWindow);
export type SurveyReportQuery = z.infer<typeof surveyReportQuery>;

/** An agent's own answers (the agent desk): today by default. */
export const mySurveyQuery = z
  .strictObject({ from: day, to: day })
  .superRefine(checkWindow);
