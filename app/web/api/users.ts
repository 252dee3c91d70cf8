// Users and the audit log (docs/api/auth.md): the admin console's Users and Audit tabs.
import { request, withQuery } from './client';
import type { SessionUser } from '../session/session';

export type Role = SessionUser['role'];
export const ROLES: Role[] = ['admin', 'supervisor', 'agent', 'readonly'];

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  role: Role;
  source: 'local' | 'ldap';
  team: string | null;
  disabled: boolean;
  totpEnabled: boolean;
  passwordChangeRequired: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  displayName?: string;
  email?: string | null;
  role: Role;
  team?: string | null;
  passwordChangeRequired?: boolean;
}

export interface UserPatch {
  displayName?: string;
  email?: string | null;
  role?: Role;
  team?: string | null;
  disabled?: boolean;
  password?: string;
  passwordChangeRequired?: boolean;
  unlock?: true;
  resetTotp?: true;
}

/** The actions Hotline writes to the audit log (the Audit tab names them in the page's language). */
export const AUDIT_ACTIONS = ['login.success', 'login.failure', 'logout', 'account.locked', 'user.create', 'user.update', 'user.sync', 'password.change', 'password.change.failure', 'totp.enrol', 'totp.enable', 'totp.confirm.failure', 'apikey.create', 'apikey.revoke', 'config.change', 'export', 'supervisor.action', 'recording.listen', 'recording.download', 'recording.hold', 'recording.hold.release', 'recording.purge', 'recording.purge.held', 'qa.sampling'] as const;

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actorIp: string | null;
  action: string;
  target: string | null;
  detail: unknown;
}

export const usersApi = {
  list: () => request<{ items: UserRow[] }>('GET', '/api/users'),
  create: (body: NewUser) => request<UserRow>('POST', '/api/users', body),
  patch: (id: string, body: UserPatch) => request<UserRow>('PATCH', `/api/users/${id}`, body),
  audit: (q: { actor?: string; action?: string; target?: string; limit: number; offset: number }) => request<{ items: AuditEntry[]; total: number }>('GET', withQuery('/api/audit', q)),
};
