// Errors of the blocked-numbers API (status, stable code; mapped by the one error handler).
import { AppError } from '../errors.js';

/** The number already has a block that has not ended. */
export class AlreadyBlockedError extends AppError {
  constructor(id: string, number: string) {
    super(409, 'number_already_blocked', `${number} is already blocked`, { id, number });
  }
}

/** An agent asked for a block longer than agents may set (or a permanent one). */
export class BlockNeedsSupervisorError extends AppError {
  constructor(message: string) {
    super(403, 'block_needs_supervisor', message);
  }
}
