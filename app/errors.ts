// One error hierarchy for the whole service: each error has an HTTP status, a stable
// code and optional details; the one Express handler (http/error-handler.ts) maps them.
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'validation_failed', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, id: string) {
    super(404, 'not_found', `${what} ${id} not found`);
  }
}

export class UnavailableError extends AppError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}
