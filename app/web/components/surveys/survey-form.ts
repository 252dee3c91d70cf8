// The survey form's rules, pure so that they are unit-tested: the form as the dialog edits it, the
// two presets (the usual 3-point Chinese survey and a 5-point English one), the body sent to the
// API checked with the server's own schemas (surveyCreateBody / surveyUpdateBody), and where each
// problem — the page's check or the server's 400 — is shown: under the field it names.
// The server's own schemas, by a relative path like block-rules.ts (unit-tested under Node, bundled by Vite).
import { surveyCreateBody, surveyUpdateBody } from '../../../survey/survey.schemas.js';
import type { PromptRef, Survey, SurveyBody, SurveyLanguage, SurveyOption } from '../../api/survey-types.js';
import { formProblems, type Problem } from '../form-problems.js';

export const PROMPT_FIELDS = ['question', 'invalidPrompt', 'thanksPrompt'] as const;
export type PromptField = (typeof PROMPT_FIELDS)[number];
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;

export interface SurveyForm {
  name: string;
  language: SurveyLanguage;
  /** The prompts as PromptField edits them: a field left empty is absent. */
  prompts: Partial<Record<PromptField, PromptRef>>;
  options: SurveyOption[];
  timeoutSeconds: number;
  retries: number;
}

export const blankForm = (): SurveyForm => ({
  name: '',
  language: 'zh',
  prompts: {},
  options: [
    { key: '1', label: '', score: 5, satisfied: true },
    { key: '2', label: '', score: 1, satisfied: false },
  ],
  timeoutSeconds: 6,
  retries: 1,
});

export function formOf(s: Survey): SurveyForm {
  const prompts: SurveyForm['prompts'] = { question: { ...s.question } };
  if (s.invalidPrompt) prompts.invalidPrompt = { ...s.invalidPrompt };
  if (s.thanksPrompt) prompts.thanksPrompt = { ...s.thanksPrompt };
  return { name: s.name, language: s.language, prompts, options: s.options.map((o) => ({ ...o })), timeoutSeconds: s.timeoutSeconds, retries: s.retries };
}

export const PRESETS = ['zh3', 'en5'] as const;
export type Preset = (typeof PRESETS)[number];

/** The usual surveys, filled in with one click (the name is left as typed). */
export function preset(p: Preset): Omit<SurveyForm, 'name'> {
  if (p === 'zh3') {
    return {
      language: 'zh',
      prompts: {
        question: { text: '请您对本次服务进行评价：满意请按1，一般请按2，不满意请按3。' },
        invalidPrompt: { text: '您的输入有误，请重新选择。' },
        thanksPrompt: { text: '感谢您的评价，再见。' },
      },
      options: [
        { key: '1', label: '满意', score: 5, satisfied: true },
        { key: '2', label: '一般', score: 3, satisfied: false },
        { key: '3', label: '不满意', score: 1, satisfied: false },
      ],
      timeoutSeconds: 6,
      retries: 1,
    };
  }
  return {
    language: 'en',
    prompts: {
      question: { text: 'Please rate this call. Press 1 if you were very satisfied, 2 satisfied, 3 neutral, 4 dissatisfied, or 5 very dissatisfied.' },
      invalidPrompt: { text: 'Sorry, that key is not one of the answers.' },
      thanksPrompt: { text: 'Thank you for your feedback. Goodbye.' },
    },
    options: [
      { key: '1', label: 'Very satisfied', score: 5, satisfied: true },
      { key: '2', label: 'Satisfied', score: 4, satisfied: true },
      { key: '3', label: 'Neutral', score: 3, satisfied: false },
      { key: '4', label: 'Dissatisfied', score: 2, satisfied: false },
      { key: '5', label: 'Very dissatisfied', score: 1, satisfied: false },
    ],
    timeoutSeconds: 6,
    retries: 1,
  };
}

/** The next key no answer has yet (for a new row). */
export function freeKey(options: SurveyOption[]): string {
  const used = new Set(options.map((o) => o.key));
  return '1234567890'.split('').find((k) => !used.has(k)) ?? '';
}

/** The body to send: POST (creating, with the name) or PUT (the prompts the form dropped as null, to remove them). */
export function bodyOf(f: SurveyForm, creating: boolean): SurveyBody {
  const options = f.options.map((o) => ({ key: o.key.trim(), label: o.label.trim(), score: o.score, satisfied: o.satisfied }));
  const common = { question: f.prompts.question as PromptRef, options, language: f.language, timeoutSeconds: f.timeoutSeconds, retries: f.retries };
  if (creating) {
    return { name: f.name.trim(), ...common, ...(f.prompts.invalidPrompt ? { invalidPrompt: f.prompts.invalidPrompt } : {}), ...(f.prompts.thanksPrompt ? { thanksPrompt: f.prompts.thanksPrompt } : {}) };
  }
  return { ...common, invalidPrompt: f.prompts.invalidPrompt ?? null, thanksPrompt: f.prompts.thanksPrompt ?? null };
}

/**
 * A problem in words the page has (keys under surveys.problems), with its arguments: `field` is
 * where it shows — a form field (name, question …), `options` for the answers as a whole, or
 * `options.<i>.<key|label|score>` for one cell of the answers table.
 */
export type { Problem };

/** Where one refused path (a zod issue's, or a 400's `details.field`) shows, and in which words. */
export function problemOf(path: string, f: SurveyForm): Problem {
  const [head, index, cell] = path.split('.');
  if (head === 'options') {
    const i = Number(index);
    if (index !== undefined && Number.isInteger(i) && f.options[i]) {
      const field = `options.${i}.${cell ?? 'key'}`;
      if (cell === 'label') return { field, text: 'label' };
      if (cell === 'score') return { field, text: 'score' };
      if (cell === 'satisfied') return { field: 'options', text: 'options' };
      const key = f.options[i]!.key.trim();
      const first = f.options.findIndex((o) => o.key.trim() === key);
      return /^[0-9]$/.test(key) && first < i ? { field, text: 'keyTwice', args: { key, n: first + 1 } } : { field, text: 'key' };
    }
    if (f.options.length < MIN_OPTIONS || f.options.length > MAX_OPTIONS) return { field: 'options', text: 'optionsCount', args: { min: MIN_OPTIONS, max: MAX_OPTIONS } };
    if (!f.options.some((o) => o.satisfied)) return { field: 'options', text: 'noneSatisfied' };
    return { field: 'options', text: 'options' };
  }
  const known = ['name', 'language', 'timeoutSeconds', 'retries', ...PROMPT_FIELDS];
  return known.includes(head!) ? { field: head!, text: head! } : { field: 'other', text: 'other' };
}

/** The form checked with the server's schema: the body, or the problems by where they show (the first of each place). */
export function checkForm(f: SurveyForm, creating: boolean): { body: SurveyBody; problems: Problem[] } {
  const body = bodyOf(f, creating);
  const problems = formProblems((creating ? surveyCreateBody : surveyUpdateBody).safeParse(body), (path) => problemOf(path, f));
  return { body, problems };
}
