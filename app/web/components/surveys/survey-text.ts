// Surveys and their answers in words, the same on every page: a prompt reference ("Text: …",
// "Library prompt x", "Asterisk sound y"), the answers as "1 满意 (5) ✓ · 2 一般 (3)", and a
// response's outcome ("满意 (5 分)", "no answer", "hung up during the survey").
import type { PromptRef, SurveyOption, SurveyResponse } from '../../api/surveys';

type Translate = (key: string, args?: Record<string, unknown>) => string;

export function promptText(t: Translate, ref: PromptRef | undefined | null): string {
  if (!ref) return t('surveys.promptRef.none');
  if ('text' in ref) return t('surveys.promptRef.text', { text: ref.text });
  if ('prompt' in ref) return t('surveys.promptRef.prompt', { name: ref.prompt });
  return t('surveys.promptRef.sound', { name: ref.sound });
}

export const optionText = (o: SurveyOption): string => `${o.key} ${o.label} (${o.score})${o.satisfied ? ' ✓' : ''}`;

/** The outcome of one surveyed call: the answer with its score, or how it ended. */
export function responseText(t: Translate, r: Pick<SurveyResponse, 'status' | 'label' | 'score'>): string {
  if (r.status === 'answered') return t('surveys.response.answer', { label: r.label ?? '', score: r.score ?? 0 });
  return t(`surveys.response.statuses.${r.status}`);
}
