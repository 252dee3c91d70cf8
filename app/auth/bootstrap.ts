// Start-up helpers for auth: the first admin, and LDAP options from the config.
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuthModule } from './index.js';
import type { LdapOptions } from './ldap.js';
import { passwordProblems } from './password.js';

/** How the first admin signs in, for the start block (never the password itself). */
export type FirstAdmin =
  | { kind: 'existing' }
  | { kind: 'setting' }
  | { kind: 'generated'; file: string };

/**
 * With no users at all, creates `admin`: with HOTLINE_BOOTSTRAP_ADMIN_PASSWORD when it is set,
 * else with a generated password written to `passwordFile` (mode 0600: its owner only). The
 * password is never logged.
 */
export async function bootstrapAdmin(auth: AuthModule, opts: { password?: string; passwordFile: string }, log: Logger): Promise<FirstAdmin> {
  const users = await auth.service.listUsers();
  if (users.length > 0) return { kind: 'existing' };
  if (opts.password) {
    try {
      await auth.service.createLocalUser({ username: 'admin', password: opts.password, role: 'admin', displayName: 'Administrator' }, { name: 'bootstrap' });
    } catch (err) {
      if ((await auth.service.listUsers()).length > 0) return { kind: 'existing' }; // another node was first
      throw new Error(`HOTLINE_BOOTSTRAP_ADMIN_PASSWORD: ${(err as Error).message}`);
    }
    log.info('created the first admin user "admin" from HOTLINE_BOOTSTRAP_ADMIN_PASSWORD');
    return { kind: 'setting' };
  }
  const password = generatedPassword();
  const file = resolve(opts.passwordFile);
  // The file first: an admin whose password was never written down would lock everyone out.
  writeSecretFile(file, `${password}\n`);
  try {
    // Written to a file by the machine, not chosen by a person: changed at the first sign-in.
    await auth.service.createLocalUser({ username: 'admin', password, role: 'admin', displayName: 'Administrator', passwordChangeRequired: true }, { name: 'bootstrap' });
  } catch (err) {
    rmSync(file, { force: true });
    if ((await auth.service.listUsers()).length > 0) return { kind: 'existing' }; // another node was first
    throw err;
  }
  log.info({ file }, 'created the first admin user "admin" with a generated password (in the file; it must be changed at the first sign-in)');
  return { kind: 'generated', file };
}

/** 20 random characters from base64url plus a digit and a mark: passes the password rules. */
function generatedPassword(): string {
  for (;;) {
    const p = `${randomBytes(15).toString('base64url')}-${randomInt(10)}`;
    if (passwordProblems(p, 'admin').length === 0) return p;
  }
}

/** Writes a file only its owner can read or write (created with mode 0600, and kept so). */
function writeSecretFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true }); // the mode applies when the file is created
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
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
