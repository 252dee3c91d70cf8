// Asks one caller the survey: the question (again after no key or a wrong one, as many times as
// the survey says), the answer saved the moment it is pressed, thanks, and the call ended. Every
// way out settles the response once: answered, no_answer, caller_hangup (or failed, by the sink).
import { CallEnded } from '../calls/call-session.js';
import type { FlowCall } from '../ivr/runtime/runtime.js';
import type { PromptRef } from '../ivr/ivr.schemas.js';
import type { SurveyResponse } from './survey.entities.js';
import type { SurveyService, SurveyView } from './survey.service.js';

export interface AskDeps {
  service: Pick<SurveyService, 'asked' | 'settle'>;
  media: (ref: PromptRef, language: 'en' | 'zh') => Promise<string[]>;
  timeline: (type: string, detail?: unknown) => void;
  /** Told once, when the answer is saved (the live feed and webhooks). */
  answered?: (response: SurveyResponse, answer: { key: string; label: string; score: number; satisfied: boolean }, at: Date) => void;
}

export async function askSurvey(call: FlowCall, survey: SurveyView, response: SurveyResponse, deps: AskDeps): Promise<void> {
  const media = (ref: PromptRef) => deps.media(ref, survey.language);
  const settle = async (status: 'no_answer' | 'caller_hangup', detail?: unknown) => {
    if (await deps.service.settle(response.id, status)) deps.timeline(`survey.${status}`, { survey: survey.name, ...(detail ?? {}) });
  };
  try {
    const question = await media(survey.question);
    // A response resumed by the node that took over has been asked already: one more time at least.
    for (let attempt = Math.min(response.asked, survey.retries); attempt <= survey.retries; attempt++) {
      await deps.service.asked(response.id);
      const key = await call.promptForDigit(question, survey.timeoutSeconds * 1000);
      if (key === null) continue;
      const option = survey.options.find((o) => o.key === key);
      if (option) {
        const answer = { key, label: option.label, score: option.score, satisfied: option.satisfied };
        if (await deps.service.settle(response.id, 'answered', answer)) {
          deps.timeline('survey.answered', { survey: survey.name, ...answer });
          deps.answered?.(response, answer, new Date());
        }
        call.log.info({ survey: survey.name, key, score: option.score }, 'survey answered');
        if (survey.thanksPrompt) await call.playAndWait(await media(survey.thanksPrompt));
        await call.hangup();
        return;
      }
      call.log.info({ survey: survey.name, key }, 'survey: a key that is not an answer');
      if (attempt < survey.retries && survey.invalidPrompt) await call.playAndWait(await media(survey.invalidPrompt));
    }
    await settle('no_answer');
    await call.hangup();
  } catch (err) {
    // A node that steps down leaves the response open: the active node asks again from it.
    if (err instanceof CallEnded && err.handedTo !== 'another node') await settle('caller_hangup');
    throw err;
  }
}
