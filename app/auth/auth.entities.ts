// Users, sessions, API keys and the append-only audit log. Explicit column types so the same
// entities map to MariaDB/MySQL and SQLite (migration 1763930000000-Auth).
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from './permissions.js';

export type UserSource = 'local' | 'ldap';

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Stored lower case; unique. */
  @Index('idx_users_username', { unique: true })
  @Column({ name: 'username', type: 'varchar', length: 128 })
  username!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128 })
  displayName!: string;

  @Column({ name: 'email', type: 'varchar', length: 255, nullable: true })
  email!: string | null;

  @Column({ name: 'role', type: 'varchar', length: 16 })
  role!: Role;

  @Column({ name: 'source', type: 'varchar', length: 8 })
  source!: UserSource;

  /** scrypt$N$r$p$salt$hash for local users; null for directory users. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true })
  passwordHash!: string | null;

  /** Failed logins in a row (reset on success and when a lock is set). */
  @Column({ name: 'failed_attempts', type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  /** Base32 TOTP secret (pending until totp_enabled). */
  @Column({ name: 'totp_secret', type: 'varchar', length: 64, nullable: true })
  totpSecret!: string | null;

  @Column({ name: 'totp_enabled', type: 'boolean', default: false })
  totpEnabled!: boolean;

  /** The 30 s step of the last accepted code: a code is accepted once. */
  @Column({ name: 'totp_last_step', type: 'int', nullable: true })
  totpLastStep!: number | null;

  @Column({ name: 'team', type: 'varchar', length: 64, nullable: true })
  team!: string | null;

  /** A disabled user cannot log in; their sessions are revoked. */
  @Column({ name: 'disabled', type: 'boolean', default: false })
  disabled!: boolean;

  /** The password was chosen by someone else (generated, or set by an admin asking for it): the user chooses their own before anything else. */
  @Column({ name: 'password_change_required', type: 'boolean', default: false })
  passwordChangeRequired!: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'last_login_at', type: 'datetime', precision: 3, nullable: true })
  lastLoginAt!: Date | null;
}

@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** sha256 (hex) of the bearer token; the token itself is never stored. */
  @Index('idx_sessions_token', { unique: true })
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Index('idx_sessions_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** 'full', or 'totp_enrolment' while a user whose role requires TOTP has not enrolled. */
  @Column({ name: 'purpose', type: 'varchar', length: 16, default: 'full' })
  purpose!: 'full' | 'totp_enrolment';

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'ip', type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 255, nullable: true })
  userAgent!: string | null;
}

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  /** sha256 (hex) of the whole key `hlk_<prefix>_<secret>`. */
  @Index('idx_api_keys_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  /** Shown in lists so an admin can tell keys apart; not a secret. */
  @Column({ name: 'prefix', type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'role', type: 'varchar', length: 16 })
  role!: Role;

  @Column({ name: 'created_by', type: 'varchar', length: 160 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;
}

/** Append-only: nothing in Hotline updates or deletes these rows. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Index('idx_audit_at')
  @Column({ name: 'at', type: 'datetime', precision: 3 })
  at!: Date;

  /** A username, `api-key:<name>` or `anonymous`. */
  @Index('idx_audit_actor')
  @Column({ name: 'actor', type: 'varchar', length: 160 })
  actor!: string;

  @Column({ name: 'actor_ip', type: 'varchar', length: 64, nullable: true })
  actorIp!: string | null;

  /** login.success, login.failure, user.create, apikey.create, config.change, export ... */
  @Index('idx_audit_action')
  @Column({ name: 'action', type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'target', type: 'varchar', length: 255, nullable: true })
  target!: string | null;

  /** JSON */
  @Column({ name: 'detail', type: 'text', nullable: true })
  detail!: string | null;
}

/**
 * Failed logins in a row per username, whether or not a user row exists (a directory user who
 * never signed in, or a name nobody has): the lockout is keyed on the name typed, so its
 * answers cannot tell which usernames exist. Keyed by sha256(username) (the name itself may be
 * 256 characters).
 */
@Entity({ name: 'login_lockouts' })
export class LoginLockout {
  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey!: string;

  @Column({ name: 'username', type: 'varchar', length: 256 })
  username!: string;

  /** Failures since the last success or lock. */
  @Column({ name: 'failed_attempts', type: 'int', default: 0 })
  failedAttempts!: number;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Index('idx_login_lockouts_updated')
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}

export const authEntities = [User, Session, ApiKey, AuditEntry, LoginLockout];
