// Login (local users first, then LDAP), second factor (TOTP), sessions, API keys, users and
// the audit log. Every login success/failure, key change and user change is audited.
// Failure messages never tell whether a username exists; passwords never reach a log line,
// an audit detail or an error.
import { randomBytes, randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { AuditLog, type AuditFilters, type AuditInput } from './audit.js';
import { Session, User } from './auth.entities.js';
import {
  AccountLockedError,
  DirectoryUnavailableError,
  InvalidCredentialsError,
  NoRoleError,
  NotForApiKeysError,
  OtpInvalidError,
  OtpRequiredError,
  TotpAlreadyEnabledError,
  TotpNotEnrolledError,
  WeakPasswordError,
} from './auth.errors.js';
import { API_KEY_PREFIX, ApiKeyStore, sha256 } from './auth.keys.js';
import { People } from './auth.people.js';
import { normalizeUsername, UserStore, userView, type Actor, type NewLocalUser, type UserPatch, type UserView } from './auth.users.js';
import type { LdapDirectory } from './ldap.js';
import { LoginLockouts } from './lockout.js';
import { hashPassword, verifyDummy, verifyPassword } from './password.js';
import { passwordProblemCodes } from './password-policy.js';
import type { Principal, Role } from './permissions.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';

export interface AuthServiceOptions {
  sessionTtlMs: number;
  /** Roles that must use TOTP: without an enrolled secret they get an enrolment-only session. */
  requireTotpFor?: Role[];
  /** Failed logins in a row before the account is locked (default 5). */
  maxFailedAttempts?: number;
  /** How long a lock lasts (default 15 min). */
  lockoutMs?: number;
  /** Issuer shown in authenticator apps (default Hotline). */
  totpIssuer?: string;
  /** The clock (tests); default Date.now. */
  now?: () => number;
  /** The least time a refused login takes (default 250 ms), so that timing tells no names apart. */
  failureFloorMs?: number;
}

export interface LoginInput {
  username: string;
  password: string;
  otp?: string;
  ip?: string | null;
  userAgent?: string | null;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: UserView;
  /** The role requires TOTP and none is enrolled: this session may only enrol (and log out). */
  totpEnrolmentRequired: boolean;
  /** The password was chosen by someone else: this session may only change it (and log out) first. */
  passwordChangeRequired: boolean;
}

export class AuthService {
  readonly users: UserStore;
  /** Names of people for other modules (tickets, knowledge base). */
  readonly people: People;
  readonly apiKeys: ApiKeyStore;
  readonly auditLog: AuditLog;
  private readonly now: () => number;
  private readonly maxFailed: number;
  private readonly lockoutMs: number;
  private readonly failureFloorMs: number;
  private readonly lockouts: LoginLockouts;

  constructor(
    private readonly db: DataSource,
    private readonly log: Logger,
    private readonly directory: LdapDirectory | null,
    private readonly opts: AuthServiceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.maxFailed = opts.maxFailedAttempts ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.failureFloorMs = opts.failureFloorMs ?? 250;
    this.lockouts = new LoginLockouts(db, { maxFailed: this.maxFailed, lockoutMs: this.lockoutMs, now: this.now });
    this.auditLog = new AuditLog(db, this.now);
    this.users = new UserStore(db, this.auditLog, this.now);
    this.people = new People(db);
    this.apiKeys = new ApiKeyStore(db, this.auditLog, this.now);
  }

  // ---- login -------------------------------------------------------------------------------

  async login(input: LoginInput): Promise<LoginResult> {
    const started = performance.now();
    const username = normalizeUsername(input.username).slice(0, 256);
    const ip = input.ip ?? null;
    const fail = async (reason: string, error: AppError, extra: Record<string, unknown> = {}): Promise<never> => {
      this.log.info({ username, ip, reason }, 'login refused');
      await this.audit({ actor: 'anonymous', actorIp: ip, action: 'login.failure', target: username, detail: { reason, ...extra } });
      // Every refusal takes at least the floor: a local check (scrypt), a directory exchange
      // and an early "locked" answer then take the same time, whoever the name belongs to.
      const wait = this.failureFloorMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      throw error;
    };

    // The lock is keyed on the name typed: checked before anything tells names apart.
    const locked = await this.lockouts.lockedUntil(username);
    if (locked) await fail('locked', new AccountLockedError(locked));
    let user = await this.users.findByUsername(username);
    if (user && user.source === 'local') {
      const ok = user.passwordHash ? await verifyPassword(input.password, user.passwordHash) : await verifyDummy(input.password);
      if (!ok) await this.failedAttempt(username, 'bad_password', fail);
    } else if (this.directory) {
      const r = await this.directory.authenticate(username, input.password);
      if (!r.ok) {
        if (r.reason === 'directory_unavailable' || r.reason === 'service_bind_failed') await fail(r.reason, new DirectoryUnavailableError(r.reason === 'service_bind_failed'));
        if (r.reason === 'no_role') await fail(r.reason, new NoRoleError(), { source: 'ldap' });
        await this.failedAttempt(username, r.reason, fail, new InvalidCredentialsError(), { source: 'ldap' });
      } else {
        user = await this.users.syncFromDirectory(r.user, ip);
      }
    } else {
      await verifyDummy(input.password);
      await this.failedAttempt(username, 'unknown_user', fail);
    }
    if (!user) throw new InvalidCredentialsError(); // unreachable: every branch above set or threw
    if (user.disabled) await fail('disabled', new InvalidCredentialsError());

    let purpose: Session['purpose'] = 'full';
    if (user.totpEnabled && user.totpSecret) {
      if (!input.otp) await fail('otp_required', new OtpRequiredError());
      const check = verifyTotp(user.totpSecret, input.otp!, { nowMs: this.now(), lastStep: user.totpLastStep });
      if (!check.ok) await this.failedAttempt(user.username, `otp_${check.reason}`, fail, new OtpInvalidError(check.reason === 'replayed'));
      // Conditional update: of two concurrent logins with the same code, only one wins.
      const step = check.ok ? check.step : -1;
      const won = await this.db.manager
        .createQueryBuilder()
        .update(User)
        .set({ totpLastStep: step })
        .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: user.id, step })
        .execute();
      if (won.affected === 0) await this.failedAttempt(user.username, 'otp_replayed', fail, new OtpInvalidError(true));
      user.totpLastStep = step;
    } else if (this.opts.requireTotpFor?.includes(user.role)) {
      purpose = 'totp_enrolment';
    }

    user.failedAttempts = 0;
    user.lockedUntil = null;
    user.lastLoginAt = new Date(this.now());
    await this.lockouts.clear(username);
    if (user.username !== username) await this.lockouts.clear(user.username);
    await this.db.manager.update(User, { id: user.id }, { failedAttempts: 0, lockedUntil: null, lastLoginAt: user.lastLoginAt });
    const { token, expiresAt } = await this.createSession(user, purpose, ip, input.userAgent ?? null);
    this.log.info({ username: user.username, ip, source: user.source, role: user.role }, 'login');
    await this.audit({ actor: user.username, actorIp: ip, action: 'login.success', target: user.username, detail: { source: user.source, role: user.role, totp: user.totpEnabled } });
    return { token, expiresAt: expiresAt.toISOString(), user: userView(user), totpEnrolmentRequired: purpose !== 'full', passwordChangeRequired: Boolean(user.passwordChangeRequired) };
  }

  /** Counts a failure on the username; the one that reaches the limit locks it and answers 423. */
  private async failedAttempt(
    username: string,
    reason: string,
    fail: (r: string, e: AppError, extra?: Record<string, unknown>) => Promise<never>,
    error: AppError = new InvalidCredentialsError(),
    extra: Record<string, unknown> = {},
  ): Promise<never> {
    const until = await this.lockouts.failed(username);
    if (until) {
      await this.audit({ actor: 'anonymous', action: 'account.locked', target: username, detail: { until: until.toISOString(), after: this.maxFailed } });
      this.log.warn({ username, until: until.toISOString() }, 'account locked after failed logins');
      return fail(reason, new AccountLockedError(until), extra);
    }
    return fail(reason, error, extra);
  }

  private async createSession(user: User, purpose: Session['purpose'], ip: string | null, userAgent: string | null) {
    const token = randomBytes(32).toString('base64url');
    const created = new Date(this.now());
    const expiresAt = new Date(created.getTime() + this.opts.sessionTtlMs);
    await this.db.manager.insert(Session, {
      id: randomUUID(),
      tokenHash: sha256(token),
      userId: user.id,
      purpose,
      createdAt: created,
      expiresAt,
      revokedAt: null,
      ip: ip?.slice(0, 64) ?? null,
      userAgent: userAgent?.slice(0, 255) ?? null,
    });
    return { token, expiresAt };
  }

  // ---- bearer tokens ---------------------------------------------------------------------

  /** The principal for a bearer token (session or API key), or null. */
  async authenticate(token: string | null | undefined): Promise<Principal | null> {
    if (!token || token.length > 200) return null;
    if (token.startsWith(API_KEY_PREFIX)) {
      const key = await this.apiKeys.find(token);
      return key ? { kind: 'api_key', id: key.id, name: `api-key:${key.name}`, role: key.role } : null;
    }
    const session = await this.db.manager.findOne(Session, { where: { tokenHash: sha256(token), revokedAt: IsNull() } });
    if (!session || session.expiresAt.getTime() <= this.now()) return null;
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) return null;
    const principal: Principal = { kind: 'user', id: user.id, name: user.username, role: user.role, sessionId: session.id };
    if (session.purpose === 'totp_enrolment') principal.totpEnrolmentPending = true;
    if (user.passwordChangeRequired) principal.passwordChangePending = true;
    return principal;
  }

  async logout(token: string, actor: Actor): Promise<void> {
    const result = await this.db.manager.update(Session, { tokenHash: sha256(token), revokedAt: IsNull() }, { revokedAt: new Date(this.now()) });
    if (result.affected) await this.audit({ actor: actor.name, actorIp: actor.ip, action: 'logout', target: actor.name });
  }

  async me(principal: Principal): Promise<{ principal: Principal; user: UserView | null }> {
    const user = principal.kind === 'user' ? await this.users.findById(principal.id) : null;
    return { principal, user: user ? userView(user) : null };
  }

  // ---- TOTP enrolment ----------------------------------------------------------------------

  /** Starts (or restarts) enrolment: a new secret, active once a code is confirmed. */
  async enrolTotp(principal: Principal, ip?: string | null): Promise<{ secret: string; uri: string }> {
    if (principal.kind !== 'user') throw new NotForApiKeysError();
    const user = await this.users.get(principal.id);
    if (user.totpEnabled) throw new TotpAlreadyEnabledError();
    const secret = generateTotpSecret();
    await this.db.manager.update(User, { id: user.id }, { totpSecret: secret, totpLastStep: null, updatedAt: new Date(this.now()) });
    await this.audit({ actor: user.username, actorIp: ip, action: 'totp.enrol', target: user.username });
    return { secret, uri: otpauthUri({ issuer: this.opts.totpIssuer ?? 'Hotline', account: user.username, secret }) };
  }

  /** The first valid code enables TOTP; an enrolment-only session becomes a full one. */
  async confirmTotp(principal: Principal, code: string, ip?: string | null): Promise<UserView> {
    if (principal.kind !== 'user') throw new NotForApiKeysError();
    const user = await this.users.get(principal.id);
    if (user.totpEnabled) throw new TotpAlreadyEnabledError();
    if (!user.totpSecret) throw new TotpNotEnrolledError();
    const check = verifyTotp(user.totpSecret, code, { nowMs: this.now(), lastStep: user.totpLastStep });
    if (!check.ok) {
      await this.audit({ actor: user.username, actorIp: ip, action: 'totp.confirm.failure', target: user.username, detail: { reason: check.reason } });
      throw new AppError(400, 'otp_invalid', 'the one-time code is not valid; check the time on your phone and try the next code');
    }
    user.totpEnabled = true;
    user.totpLastStep = check.step;
    user.updatedAt = new Date(this.now());
    await this.db.manager.update(User, { id: user.id }, { totpEnabled: true, totpLastStep: check.step, updatedAt: user.updatedAt });
    await this.db.manager.update(Session, { userId: user.id, purpose: 'totp_enrolment', revokedAt: IsNull() }, { purpose: 'full' });
    await this.audit({ actor: user.username, actorIp: ip, action: 'totp.enable', target: user.username });
    return userView(user);
  }

  // ---- one's own password ---------------------------------------------------------------------

  /**
   * A signed-in local user changes their password: the current one must be right, the new one
   * pass the policy and differ from it. Clears "must change"; ends the user's other sessions.
   */
  async changeOwnPassword(principal: Principal, current: string, next: string, ip?: string | null): Promise<UserView> {
    if (principal.kind !== 'user') throw new NotForApiKeysError();
    const user = await this.users.get(principal.id);
    if (user.source !== 'local' || !user.passwordHash) throw new AppError(409, 'directory_password', 'the password of a directory (LDAP) user is changed in the directory');
    if (!(await verifyPassword(current, user.passwordHash))) {
      await this.audit({ actor: user.username, actorIp: ip, action: 'password.change.failure', target: user.username, detail: { reason: 'current_password_wrong' } });
      throw new AppError(400, 'current_password_wrong', 'the current password is not right');
    }
    const problems = passwordProblemCodes(next, user.username);
    if (problems.length) throw new WeakPasswordError(problems);
    if (next === current) throw new AppError(400, 'password_unchanged', 'the new password must differ from the current one');
    user.passwordHash = await hashPassword(next);
    user.passwordChangeRequired = false;
    user.updatedAt = new Date(this.now());
    await this.db.manager.update(User, { id: user.id }, { passwordHash: user.passwordHash, passwordChangeRequired: false, updatedAt: user.updatedAt });
    await this.users.revokeSessions(user.id, principal.sessionId);
    await this.audit({ actor: user.username, actorIp: ip, action: 'password.change', target: user.username });
    return userView(user);
  }

  // ---- users, API keys, audit (delegates) -------------------------------------------------

  createLocalUser(input: NewLocalUser, actor: Actor): Promise<UserView> {
    return this.users.createLocal(input, actor);
  }

  updateUser(id: string, patch: UserPatch, actor: Actor): Promise<UserView> {
    return this.users.update(id, patch, actor);
  }

  listUsers(): Promise<UserView[]> {
    return this.users.list();
  }

  createApiKey(name: string, role: Role, actor: Actor) {
    return this.apiKeys.create(name, role, actor);
  }

  revokeApiKey(id: string, actor: Actor) {
    return this.apiKeys.revoke(id, actor);
  }

  listApiKeys() {
    return this.apiKeys.list();
  }

  /** Appends to the audit log (the only write it accepts). */
  audit(entry: AuditInput, m?: EntityManager): Promise<void> {
    return this.auditLog.append(entry, m);
  }

  listAudit(filters: AuditFilters, page: { limit: number; offset: number }) {
    return this.auditLog.list(filters, page);
  }
}
