// Users and the audit log (docs/api/auth.md): the admin console's Users and Audit tabs.
import { request, withQuery } from './client';
import type { AuditView } from '@server/auth/audit';
import type { NewLocalUser, UserPatch, UserView } from '@server/auth/auth.users';

export { ROLES } from '@server/auth/auth.roles';

/** The server's own shapes (type-only: nothing of the server is bundled). */
export type UserRow = UserView;

/** The actions Hotline writes to the audit log (the Audit tab names them in the page's language). */
export const AUDIT_ACTIONS = ['login.success', 'login.failure', 'logout', 'account.locked', 'user.create', 'user.update', 'user.sync', 'password.change', 'password.change.failure', 'totp.enrol', 'totp.enable', 'totp.confirm.failure', 'apikey.create', 'apikey.revoke', 'config.change', 'export', 'supervisor.action', 'recording.listen', 'recording.download', 'recording.hold', 'recording.hold.release', 'recording.purge', 'recording.purge.held', 'qa.sampling', 'voicemail.listen', 'blocklist.add', 'blocklist.change', 'blocklist.remove', 'survey.create', 'survey.update', 'survey.delete', 'campaign.create', 'campaign.update', 'campaign.delete', 'campaign.status', 'campaign.contacts', 'campaign.contact.cancel', 'campaign.export'] as const;

export type AuditEntry = AuditView;

export const usersApi = {
  list: () => request<{ items: UserRow[] }>('GET', '/api/users'),
  create: (body: NewLocalUser) => request<UserRow>('POST', '/api/users', body),
  patch: (id: string, body: UserPatch) => request<UserRow>('PATCH', `/api/users/${id}`, body),
  audit: (q: { actor?: string; action?: string; target?: string; limit: number; offset: number }) => request<{ items: AuditEntry[]; total: number }>('GET', withQuery('/api/audit', q)),
};
