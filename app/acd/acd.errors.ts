import { AppError } from '../errors.js';

export class QueueExistsError extends AppError {
  constructor(name: string) {
    super(409, 'queue_exists', `queue ${name} already exists`);
  }
}

export class QueueInUseError extends AppError {
  constructor(name: string, usedBy: string) {
    super(409, 'queue_in_use', `queue ${name} is still used by ${usedBy}`, { queue: name, usedBy });
  }
}

export class UnknownQueueError extends AppError {
  constructor(name: string, field: string) {
    super(422, 'unknown_queue', `queue ${name} (${field}) does not exist`, { field, queue: name });
  }
}

/** The queue names a satisfaction survey that does not exist. */
export class UnknownSurveyError extends AppError {
  constructor(name: string) {
    super(422, 'unknown_survey', `survey ${name} (settings.survey) does not exist`, { field: 'settings.survey', survey: name });
  }
}

export class EndpointTakenError extends AppError {
  constructor(endpoint: string) {
    super(409, 'endpoint_taken', `device endpoint ${endpoint} already belongs to another agent`);
  }
}

export class AgentStateError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(409, code, message, details);
  }
}

export class UnknownBreakReasonError extends AppError {
  constructor(reason: string, allowed: string[]) {
    super(422, 'unknown_break_reason', `break reason ${reason} is not in the list (${allowed.join(', ')})`, { field: 'reason', allowed });
  }
}

export class NotYourAgentError extends AppError {
  constructor() {
    super(403, 'forbidden', 'agents may only change their own state');
  }
}

/** Asterisk could not be told (AMI down, or this node is not the active one). */
export class PbxUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'pbx_unavailable', `Asterisk could not apply the change: ${detail}`);
  }
}
