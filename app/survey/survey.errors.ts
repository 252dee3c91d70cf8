// Errors of the survey API (status, stable code; mapped by the one error handler).
import { AppError } from '../errors.js';

export class SurveyExistsError extends AppError {
  constructor(name: string) {
    super(409, 'survey_exists', `a survey named ${name} exists`, { name });
  }
}

/** A survey a queue names cannot be deleted (the queue's callers would hear nothing). */
export class SurveyInUseError extends AppError {
  constructor(name: string, queues: string[]) {
    super(409, 'survey_in_use', `survey ${name} is used by queue ${queues.join(', ')}`, { name, queues });
  }
}

/** A prompt or sound the survey names is not there (a call would hear silence). */
export class SurveyPromptMissingError extends AppError {
  constructor(field: string, what: string) {
    super(400, 'survey_prompt_missing', `${field}: ${what} does not exist`, { field, what });
  }
}
