// User accounts: local users (scrypt password) and directory users (a row created or
// updated on each LDAP login). Every change writes an audit entry; no view ever carries the
// password hash or the TOTP secret.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { NotFoundError, ValidationError } from '../errors.js';
import type { AuditLog } from './audit.js';
import { LoginLockout, Session, User } from './auth.entities.js';
import { usernameKey } from './lockout.js';
import { UsernameTakenError, WeakPasswordError } from './auth.errors.js';
import type { DirectoryUser } from './ldap.js';
import { hashPassword } from './password.js';
import { passwordProblemCodes } from './password-policy.js';
import type { Role } from './permissions.js';

export interface Actor {
  /** The audit actor: username, `api-key:<name>` or `anonymous`. */
  name: string;
  ip?: string | null;
}

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  source: 'local' | 'ldap';
  team: string | null;
  disabled: boolean;
  totpEnabled: boolean;
  /** Must choose their own password before anything else (see POST /api/auth/password). */
  passwordChangeRequired: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewLocalUser {
  username: string;
  password: string;
  displayName?: string;
  email?: string | null;
  role: Role;
  team?: string | null;
  /** The user must choose their own password at the next sign-in (default false). */
  passwordChangeRequired?: boolean;
}

export interface UserPatch {
  displayName?: string;
  email?: string | null;
  role?: Role;
  team?: string | null;
  disabled?: boolean;
  password?: string;
  /** true: the user must choose their own password at the next sign-in; false: no longer. */
  passwordChangeRequired?: boolean;
  /** Clears a lockout now. */
  unlock?: true;
  /** Removes the TOTP secret: the user enrols again. */
  resetTotp?: true;
}

export const normalizeUsername = (u: string) => u.trim().toLowerCase();

/** Booleans are coerced: right after an insert, MariaDB hands back the column default as 0/1. */
export function userView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    role: u.role,
    source: u.source,
    team: u.team,
    disabled: Boolean(u.disabled),
    totpEnabled: Boolean(u.totpEnabled),
    passwordChangeRequired: Boolean(u.passwordChangeRequired),
    lockedUntil: u.lockedUntil?.toISOString() ?? null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export class UserStore {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditLog,
    private readonly now: () => number,
  ) {}

  findByUsername(username: string): Promise<User | null> {
    return this.db.manager.findOne(User, { where: { username: normalizeUsername(username) } });
  }

  findById(id: string): Promise<User | null> {
    return this.db.manager.findOne(User, { where: { id } });
  }

  async get(id: string): Promise<User> {
    const u = await this.findById(id);
    if (!u) throw new NotFoundError('user', id);
    return u;
  }

  async list(): Promise<UserView[]> {
    return (await this.db.manager.find(User, { order: { username: 'ASC' } })).map(userView);
  }

  async createLocal(input: NewLocalUser, actor: Actor): Promise<UserView> {
    const username = normalizeUsername(input.username);
    const problems = passwordProblemCodes(input.password, username);
    if (problems.length) throw new WeakPasswordError(problems);
    if (await this.findByUsername(username)) throw new UsernameTakenError(username);
    const now = new Date(this.now());
    const user = this.db.manager.create(User, {
      id: randomUUID(),
      username,
      displayName: input.displayName?.trim() || username,
      email: input.email ?? null,
      role: input.role,
      source: 'local',
      passwordHash: await hashPassword(input.password),
      failedAttempts: 0,
      lockedUntil: null,
      totpSecret: null,
      totpEnabled: false,
      totpLastStep: null,
      team: input.team ?? null,
      disabled: false,
      passwordChangeRequired: input.passwordChangeRequired ?? false,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
    });
    try {
      await this.db.manager.insert(User, user);
    } catch (err) {
      if (/unique|duplicate/i.test((err as Error).message)) throw new UsernameTakenError(username);
      throw err;
    }
    await this.audit.append({ actor: actor.name, actorIp: actor.ip, action: 'user.create', target: username, detail: { source: 'local', role: user.role } });
    return userView(user);
  }

  async update(id: string, patch: UserPatch, actor: Actor): Promise<UserView> {
    const user = await this.get(id);
    const changed: string[] = [];
    const set = <K extends keyof User>(key: K, value: User[K]) => {
      if (user[key] !== value) {
        user[key] = value;
        changed.push(key);
      }
    };
    if (patch.displayName !== undefined) set('displayName', patch.displayName.trim() || user.username);
    if (patch.email !== undefined) set('email', patch.email);
    if (patch.role !== undefined) set('role', patch.role);
    if (patch.team !== undefined) set('team', patch.team);
    if (patch.disabled !== undefined) set('disabled', patch.disabled);
    if (patch.password !== undefined) {
      if (user.source !== 'local') throw new ValidationError('the password of a directory (LDAP) user is changed in the directory');
      const problems = passwordProblemCodes(patch.password, user.username);
      if (problems.length) throw new WeakPasswordError(problems);
      user.passwordHash = await hashPassword(patch.password);
      changed.push('password');
    }
    if (patch.passwordChangeRequired !== undefined) {
      if (user.source !== 'local' && patch.passwordChangeRequired) throw new ValidationError('the password of a directory (LDAP) user is changed in the directory');
      set('passwordChangeRequired', patch.passwordChangeRequired);
    }
    if (patch.unlock) {
      user.lockedUntil = null;
      user.failedAttempts = 0;
      await this.db.manager.delete(LoginLockout, { usernameKey: usernameKey(user.username) });
      changed.push('unlock');
    }
    if (patch.resetTotp) {
      user.totpSecret = null;
      user.totpEnabled = false;
      user.totpLastStep = null;
      changed.push('resetTotp');
    }
    if (!changed.length) return userView(user);
    user.updatedAt = new Date(this.now());
    await this.db.manager.save(User, user);
    // Roles are read live on every request; but a disabled account, a new password or a
    // reset second factor ends every open session.
    if ((changed.includes('disabled') && user.disabled) || changed.includes('password') || changed.includes('resetTotp')) {
      await this.revokeSessions(user.id);
    }
    const detail: Record<string, unknown> = { changed };
    if (changed.includes('role')) detail.role = user.role;
    if (changed.includes('disabled')) detail.disabled = user.disabled;
    if (changed.includes('passwordChangeRequired')) detail.passwordChangeRequired = user.passwordChangeRequired;
    await this.audit.append({ actor: actor.name, actorIp: actor.ip, action: 'user.update', target: user.username, detail });
    return userView(user);
  }

  /** Ends every open session of the user (but `keep`, the one asking). */
  async revokeSessions(userId: string, keep?: string): Promise<void> {
    await this.db.manager
      .createQueryBuilder()
      .update(Session)
      .set({ revokedAt: new Date(this.now()) })
      .where(`user_id = :userId AND revoked_at IS NULL${keep ? ' AND id <> :keep' : ''}`, { userId, keep })
      .execute();
  }

  /** Creates or refreshes the row of a directory user after a successful LDAP bind. */
  async syncFromDirectory(d: DirectoryUser, ip: string | null): Promise<User> {
    const username = normalizeUsername(d.username);
    const now = new Date(this.now());
    const existing = await this.findByUsername(username);
    if (!existing) {
      const user = this.db.manager.create(User, {
        id: randomUUID(),
        username,
        displayName: d.displayName,
        email: d.email,
        role: d.role,
        source: 'ldap',
        passwordHash: null,
        failedAttempts: 0,
        lockedUntil: null,
        totpSecret: null,
        totpEnabled: false,
        totpLastStep: null,
        team: null,
        disabled: false,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: null,
      });
      await this.db.manager.insert(User, user);
      await this.audit.append({ actor: username, actorIp: ip, action: 'user.create', target: username, detail: { source: 'ldap', role: d.role, dn: d.dn } });
      return user;
    }
    const changed = (['displayName', 'email', 'role'] as const).filter((k) => existing[k] !== d[k]);
    if (changed.length) {
      for (const k of changed) (existing as unknown as Record<string, unknown>)[k] = d[k];
      existing.updatedAt = now;
      await this.db.manager.save(User, existing);
      await this.audit.append({ actor: username, actorIp: ip, action: 'user.sync', target: username, detail: { changed, role: existing.role, dn: d.dn } });
    }
    return existing;
  }
}
