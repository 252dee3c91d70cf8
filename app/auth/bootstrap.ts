// Start-up helpers for auth: the first admin, and LDAP options from the config.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuthModule } from './index.js';
import type { LdapOptions } from './ldap.js';

/** With no users at all, creates `admin` from HOTLINE_BOOTSTRAP_ADMIN_PASSWORD (never logged). */
export async function bootstrapAdmin(auth: AuthModule, password: string | undefined, log: Logger): Promise<void> {
  const users = await auth.service.listUsers();
  if (users.length > 0) return;
  if (!password) {
    log.warn('no users yet: set HOTLINE_BOOTSTRAP_ADMIN_PASSWORD to create the first admin (user "admin")');
    return;
  }
  try {
    await auth.service.createLocalUser({ username: 'admin', password, role: 'admin', displayName: 'Administrator' }, { name: 'bootstrap' });
  } catch (err) {
    throw new Error(`HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: ${(err as Error).message}`);
  }
  log.info('created the first admin user "admin" from HOTLINE_BOOTSTRAP_ADMIN_PASSWORD');
}

export function ldapOptions(c: NonNullable<Config['auth']['ldap']>): LdapOptions {
  return {
    url: c.url,
    startTls: c.startTls,
    bindDn: c.bindDn,
    bindPassword: c.bindPassword,
    baseDn: c.baseDn,
    ...(c.userFilter ? { userFilter: c.userFilter } : {}),
    ...(c.groupBaseDn ? { groupSearch: { baseDn: c.groupBaseDn } } : {}),
    roleMap: c.roleMap,
    timeoutMs: c.timeoutMs,
  };
}
