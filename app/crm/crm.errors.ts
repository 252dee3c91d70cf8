import { AppError } from '../errors.js';

export class PhoneTakenError extends AppError {
  constructor(phone: string, ownerId?: string) {
    super(409, 'phone_taken', `phone number ${phone} already belongs to another customer`, ownerId ? { phone, customerId: ownerId } : { phone });
  }
}

/** The customer was deleted (soft): it can be read but not changed. */
export class CustomerDeletedError extends AppError {
  constructor(id: string) {
    super(410, 'customer_deleted', `customer ${id} was deleted`);
  }
}

/** The customer was merged into another; changes go to the survivor. */
export class CustomerMergedError extends AppError {
  constructor(id: string, into: string) {
    super(409, 'customer_merged', `customer ${id} was merged into ${into}; use that one`, { mergedInto: into });
  }
}

export class MergeRefusedError extends AppError {
  constructor(message: string) {
    super(422, 'merge_refused', message);
  }
}

export class CustomFieldsTooLargeError extends AppError {
  constructor(message: string) {
    super(422, 'custom_fields_too_large', message);
  }
}

export class ReminderStateError extends AppError {
  constructor(id: string, status: string) {
    super(409, 'reminder_state', `reminder ${id} is ${status}`);
  }
}

export class TooManyTagsError extends AppError {
  constructor(has: number, adding: number) {
    super(422, 'too_many_tags', `a customer has at most 50 tags (has ${has}, adding ${adding})`);
  }
}

/** A follow-up for someone who cannot get one: no such user, disabled, or a role without a desk. */
export class ReminderRecipientError extends AppError {
  constructor(id: string, why: string) {
    super(422, 'reminder_recipient', `user ${id} ${why}; a follow-up is for an enabled agent, supervisor or admin`, { field: 'agentId', id });
  }
}
