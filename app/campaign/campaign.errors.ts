// Errors of the campaign API (status, stable code; mapped by the one error handler).
import { AppError } from '../errors.js';

const e = (status: number, code: string) =>
  class extends AppError {
    constructor(message: string, details?: unknown) {
      super(status, code, message, details);
    }
  };

export class CampaignNotFoundError extends AppError {
  constructor(name: string) {
    super(404, 'campaign_not_found', `no campaign named ${name}`, { name });
  }
}
export class ContactNotFoundError extends AppError {
  constructor(id: string) {
    super(404, 'contact_not_found', `no contact ${id} in this campaign`, { id });
  }
}
export class CampaignExistsError extends AppError {
  constructor(name: string) {
    super(409, 'campaign_exists', `a campaign named ${name} exists`, { name });
  }
}
export class UnknownQueueError extends AppError {
  constructor(queue: string) {
    super(422, 'unknown_queue', `there is no queue ${queue}`, { field: 'queue', queue });
  }
}
export const CampaignFinishedError = e(409, 'campaign_finished');
export const CampaignRunningError = e(409, 'campaign_running');
export const BadTransitionError = e(409, 'bad_transition');
export const NoContactsError = e(409, 'no_contacts');
export const ResultInUseError = e(409, 'result_in_use');
export const ContactDoneError = e(409, 'contact_done');
export const NotInCampaignError = e(403, 'not_in_campaign');
export const CampaignNotRunningError = e(409, 'campaign_not_running');
export const OutsideHoursError = e(409, 'outside_calling_hours');
export const NotYoursError = e(409, 'not_yours');
export const NumberBlockedError = e(409, 'number_blocked');
export const AttemptsUsedError = e(409, 'attempts_used');
export const UnknownResultError = e(400, 'unknown_result');
export const ImportInvalidError = e(400, 'import_invalid');
export const NotAnAgentError = e(403, 'not_an_agent');
