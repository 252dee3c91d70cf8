// A refusal of the survey API in the page's language: a 400's fields under the form's fields (the
// same places as the page's own check, survey-form.ts), a name taken under the name, a prompt that
// does not exist under that prompt, a survey still named by queues as a message naming them;
// anything else as every page shows it (notify.ts errorText).
import { ApiError } from '../../api/client';
import { errorText } from '../notify';
import { problemOf, type SurveyForm } from './survey-form';

type Translate = (key: string, args?: Record<string, unknown>) => string;

export interface Refusal {
  /** Form field (or answers-table cell) → words. */
  fields: Record<string, string>;
  /** What shows above the buttons ('' when the fields say it all). */
  message: string;
}

export function surveyRefusal(t: Translate, err: unknown, form: SurveyForm | null, name = ''): Refusal {
  const fields: Record<string, string> = {};
  if (!(err instanceof ApiError) || err.status >= 500 || err.status < 400) return { fields, message: errorText(err) };
  const d = (err.details ?? {}) as { field?: string; what?: string; queues?: string[]; name?: string };
  switch (err.code) {
    case 'survey_exists':
      fields.name = t('surveys.problems.exists', { name: d.name ?? name });
      return { fields, message: '' };
    case 'survey_prompt_missing': {
      const field = d.field && ['question', 'invalidPrompt', 'thanksPrompt'].includes(d.field) ? d.field : 'question';
      fields[field] = t('surveys.problems.promptMissing', { what: d.what ?? '' });
      return { fields, message: '' };
    }
    case 'survey_in_use':
      return { fields, message: t('surveys.problems.inUse', { name: d.name ?? name, queues: (d.queues ?? []).join(', ') }) };
    case 'not_found':
      return { fields, message: t('surveys.problems.gone', { name }) };
  }
  if (err.code === 'validation_failed' && form && Array.isArray(err.details)) {
    for (const x of err.details as Array<{ field?: string; message?: string }>) {
      const p = problemOf(String(x.field ?? ''), form);
      fields[p.field] ??= `${t(`surveys.problems.${p.text}`, p.args ?? {})} (${x.message ?? ''})`;
    }
    if (Object.keys(fields).length) return { fields, message: fields.other ?? '' };
  }
  return { fields, message: errorText(err) };
}
