// Auth errors: stable codes, and messages that never say whether a username exists and
// never carry a password.
import { AppError } from '../errors.js';
import { passwordProblemText, type PasswordProblem } from './password-policy.js';

export const GENERIC_LOGIN_FAILURE = 'invalid username or password';

/** 401: no token, an expired/revoked token, or wrong credentials (same message for all). */
export class UnauthenticatedError extends AppError {
  constructor(code = 'unauthenticated', message = 'authentication required: send Authorization: Bearer <token>') {
    super(401, code, message);
  }
}

export class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('invalid_credentials', GENERIC_LOGIN_FAILURE);
  }
}

export class OtpRequiredError extends UnauthenticatedError {
  constructor() {
    super('otp_required', 'a one-time code from your authenticator app is required');
  }
}

export class OtpInvalidError extends UnauthenticatedError {
  constructor(replayed = false) {
    super('otp_invalid', replayed ? 'this one-time code was already used; wait for the next one' : 'the one-time code is not valid');
  }
}

/** 403: authenticated, but the role does not allow it. */
export class ForbiddenError extends AppError {
  constructor(message = 'your role does not allow this', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NoRoleError extends ForbiddenError {
  constructor() {
    super('your directory account is in no group that maps to a Hotline role; ask an administrator', 'no_role');
  }
}

export class TotpEnrolmentRequiredError extends ForbiddenError {
  constructor() {
    super('your role requires two-factor authentication: enrol with POST /api/auth/totp/enrol and confirm a code first', 'totp_enrolment_required');
  }
}

/** 423: too many failed logins in a row. */
export class AccountLockedError extends AppError {
  constructor(readonly until: Date) {
    const hhmm = until.toISOString().slice(11, 16);
    super(423, 'account_locked', `account locked until ${hhmm} UTC after too many failed logins`, { lockedUntil: until.toISOString() });
  }
}

/** 429: the per IP + username login limiter. */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts', `too many login attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export class DirectoryUnavailableError extends AppError {
  /** `serviceBind`: the directory answered but refused Hotline's service account (a setting to fix, not an outage). */
  constructor(serviceBind = false) {
    super(
      503,
      'directory_unavailable',
      serviceBind
        ? "the user directory (LDAP) refused Hotline's service account (the service bind failed); an administrator must fix HOTLINE_LDAP_BIND_DN / HOTLINE_LDAP_BIND_PASSWORD"
        : 'the user directory (LDAP) is not reachable; try again later',
    );
  }
}

/** 400 with every problem, as English sentences (`problems`) and as codes a console translates (`codes`). */
export class WeakPasswordError extends AppError {
  constructor(codes: PasswordProblem[]) {
    const problems = codes.map(passwordProblemText);
    super(400, 'weak_password', problems.join('; '), { problems, codes });
  }
}

/** 403 until the user has chosen their own password (see POST /api/auth/password). */
export class PasswordChangeRequiredError extends ForbiddenError {
  constructor() {
    super('choose your own password first: POST /api/auth/password with the current one and a new one', 'password_change_required');
  }
}

export class UsernameTakenError extends AppError {
  constructor(username: string) {
    super(409, 'username_taken', `user ${username} already exists`);
  }
}

export class TotpAlreadyEnabledError extends AppError {
  constructor() {
    super(409, 'totp_already_enabled', 'two-factor authentication is already enabled; an administrator can reset it');
  }
}

export class TotpNotEnrolledError extends AppError {
  constructor() {
    super(409, 'totp_not_enrolled', 'start the enrolment first (POST /api/auth/totp/enrol)');
  }
}

export class NotForApiKeysError extends AppError {
  constructor() {
    super(400, 'not_for_api_keys', 'this endpoint is for signed-in users, not API keys');
  }
}
