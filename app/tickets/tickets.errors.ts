import { AppError } from '../errors.js';
import type { TicketStatus } from './tickets.entities.js';

export class TransitionNotAllowedError extends AppError {
  constructor(from: TicketStatus, to: TicketStatus, allowed: readonly TicketStatus[]) {
    super(409, 'transition_not_allowed', `a ticket cannot go from ${from} to ${to} (from ${from}: ${allowed.join(', ') || 'nothing'})`, { from, to, allowed });
  }
}

/** A reference in the body (customer, call, assignee, ticket to merge) names nothing. */
export class UnknownReferenceError extends AppError {
  constructor(what: 'customer' | 'call' | 'assignee' | 'ticket', id: string, extra = '') {
    super(422, `${what}_not_found`, `${what} ${id} does not exist${extra}`, { field: what, id });
  }
}

export class AssigneeDisabledError extends AppError {
  constructor(id: string) {
    super(422, 'assignee_disabled', `user ${id} is disabled and cannot be assigned tickets`);
  }
}

/** The user exists but has a role that cannot work tickets (read-only). */
export class AssigneeNotAssignableError extends AppError {
  constructor(id: string, role: string) {
    super(422, 'assignee_not_assignable', `user ${id} has the role ${role}, which cannot work tickets; assign an agent, supervisor or admin`, { field: 'assignee', id, role });
  }
}

export class TicketMergedError extends AppError {
  constructor(number: string, into: string) {
    super(409, 'ticket_merged', `ticket ${number} was merged into ${into}; change that one instead`, { mergedInto: into });
  }
}

/** Why a merge was refused (`details.reason`): the console words it from that. */
export type MergeRefusal = 'self' | 'already_merged' | 'other_customer';

export class MergeNotAllowedError extends AppError {
  constructor(message: string, reason: MergeRefusal, duplicate: string) {
    super(409, 'merge_not_allowed', message, { reason, duplicate });
  }
}

export class AttachmentTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super(413, 'attachment_too_large', `an attachment may be at most ${maxBytes} bytes`, { maxBytes });
  }
}

export class AttachmentTypeError extends AppError {
  constructor(message: string) {
    super(415, 'attachment_type_not_allowed', message);
  }
}

/** A reply to e-mail to the customer, but the ticket has no customer, or the customer no e-mail address. */
export class CustomerHasNoEmailError extends AppError {
  constructor(number: string, hasCustomer: boolean) {
    super(422, 'customer_has_no_email', hasCustomer ? `the customer of ticket ${number} has no e-mail address: add one on the customer's card first` : `ticket ${number} has no customer to e-mail`, { field: 'emailCustomer' });
  }
}

/** A reply to e-mail while no SMTP server is configured (HOTLINE_SMTP_HOST). */
export class MailNotConfiguredError extends AppError {
  constructor() {
    super(409, 'mail_not_configured', 'no SMTP server is configured (HOTLINE_SMTP_HOST): the reply cannot be e-mailed', { field: 'emailCustomer' });
  }
}
