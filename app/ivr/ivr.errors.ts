import { AppError } from '../errors.js';
import type { FlowProblem } from './flow-validate.js';

export class FlowNotFoundError extends AppError {
  constructor(name: string) {
    super(404, 'flow_not_found', `flow "${name}" not found`);
  }
}

export class FlowExistsError extends AppError {
  constructor(name: string) {
    super(409, 'flow_exists', `a flow named "${name}" already exists`);
  }
}

export class FlowVersionNotFoundError extends AppError {
  constructor(name: string, version: number) {
    super(404, 'flow_version_not_found', `flow "${name}" has no version ${version}`);
  }
}

/** 422 with one entry per problem, each naming its node. */
export class FlowInvalidError extends AppError {
  constructor(name: string, readonly problems: FlowProblem[]) {
    super(422, 'flow_invalid', `flow "${name}" cannot be published: ${problems.length} problem(s)`, { problems });
  }
}

export class FlowStateError extends AppError {
  constructor(message: string) {
    super(409, 'flow_state', message);
  }
}
