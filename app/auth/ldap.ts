// LDAP login over ldapts: bind as the service account, find exactly one user entry by an
// escaped filter, bind as that entry with the given password (on its own connection), read
// the groups (memberOf-style attribute or a group search), map them to the highest role.
// Neither the bind password nor the user's password ever goes into a log line or an error.
import { randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { Client, InvalidCredentialsError as LdapInvalidCredentials, ResultCodeError, type Entry } from 'ldapts';
import type { Logger } from '../logger.js';
import { highestRole, type Role } from './permissions.js';
import { logFailure } from '../log-failure.js';

export interface LdapOptions {
  /** ldap://host:389 or ldaps://host:636 */
  url: string;
  /** Upgrade ldap:// with StartTLS before any bind. */
  startTls?: boolean;
  tlsOptions?: ConnectionOptions;
  /** The service account that searches the directory. */
  bindDn: string;
  bindPassword: string;
  /** Where users are searched (subtree). */
  baseDn: string;
  /** `{{username}}` is replaced by the escaped username. Default `(uid={{username}})`. */
  userFilter?: string;
  /** Attribute on the user entry listing its group DNs (default memberOf); unused with groupSearch. */
  groupAttribute?: string;
  /** Find groups by searching instead: filter default `(member={{dn}})` (the escaped user DN). */
  groupSearch?: { baseDn: string; filter?: string };
  /** Group DN -> role; a user in several mapped groups gets the highest role. */
  roleMap: Array<{ group: string; role: Role }>;
  /** Per operation and per TCP connect (default 5000). */
  timeoutMs?: number;
  /** Attribute names (defaults: uid, displayName (else cn), mail). */
  attributes?: { username?: string; displayName?: string; email?: string };
}

export interface DirectoryUser {
  dn: string;
  username: string;
  displayName: string;
  email: string | null;
  groups: string[];
  role: Role;
}

export type LdapFailure = 'invalid_credentials' | 'unknown_user' | 'no_role' | 'directory_unavailable' | 'service_bind_failed';
export type LdapResult = { ok: true; user: DirectoryUser } | { ok: false; reason: LdapFailure };

/**
 * RFC 4515 escaping of a value placed inside a filter: `*` `(` `)` `\` NUL become
 * \2a \28 \29 \5c \00, so user input can never change the filter's structure.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Replaces `{{name}}` placeholders with escaped values. */
export function buildFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`LDAP filter placeholder ${whole} has no value`);
    return escapeFilterValue(v);
  });
}

/** Lower case, no blanks around `=` and between RDNs: enough to compare group DNs from config and directory. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

function values(entry: Entry, attr: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  const v = key ? entry[key] : undefined;
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

export class LdapDirectory {
  private readonly timeoutMs: number;
  private readonly attrs: { username: string; displayName: string; email: string };

  constructor(
    private readonly opts: LdapOptions,
    private readonly log: Logger,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.attrs = {
      username: opts.attributes?.username ?? 'uid',
      displayName: opts.attributes?.displayName ?? 'displayName',
      email: opts.attributes?.email ?? 'mail',
    };
  }

  /** What may be logged about the configuration (no password). */
  describe(): Record<string, unknown> {
    return {
      url: this.opts.url,
      startTls: !!this.opts.startTls,
      bindDn: this.opts.bindDn,
      baseDn: this.opts.baseDn,
      userFilter: this.opts.userFilter ?? '(uid={{username}})',
      groups: this.opts.groupSearch ? { search: this.opts.groupSearch.baseDn, filter: this.opts.groupSearch.filter ?? '(member={{dn}})' } : { attribute: this.opts.groupAttribute ?? 'memberOf' },
      // The parsed role map, as the directory's group DNs will be compared (normalized).
      roleMap: this.opts.roleMap.map((m) => `${m.role} <- ${normalizeDn(m.group)}`),
      timeoutMs: this.timeoutMs,
    };
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      url: this.opts.url,
      timeout: this.timeoutMs,
      connectTimeout: this.timeoutMs,
      tlsOptions: this.opts.tlsOptions,
      strictDN: true,
    });
    if (this.opts.startTls) {
      try {
        await client.startTLS(this.opts.tlsOptions ?? {});
      } catch (err) {
        await client.unbind().catch(logFailure(this.log, 'ldap: unbind after a failed StartTLS', { level: 'debug' }));
        throw err;
      }
    }
    return client;
  }

  async authenticate(username: string, password: string): Promise<LdapResult> {
    // An empty password would be an unauthenticated simple bind, which "succeeds": refuse first.
    if (password.length === 0 || username.length === 0) return { ok: false, reason: 'invalid_credentials' };
    let service: Client | undefined;
    let stage = 'service bind';
    try {
      service = await this.connect();
      try {
        await service.bind(this.opts.bindDn, this.opts.bindPassword);
      } catch (err) {
        if (!(err instanceof LdapInvalidCredentials)) throw err;
        this.log.error({ bindDn: this.opts.bindDn, url: this.opts.url }, 'ldap: the service bind failed: the directory refused HOTLINE_LDAP_BIND_DN with HOTLINE_LDAP_BIND_PASSWORD');
        return { ok: false, reason: 'service_bind_failed' };
      }
      stage = 'user search';
      const filter = buildFilter(this.opts.userFilter ?? '(uid={{username}})', { username });
      const groupAttr = this.opts.groupSearch ? [] : [this.opts.groupAttribute ?? 'memberOf'];
      const { searchEntries } = await service.search(this.opts.baseDn, {
        scope: 'sub',
        filter,
        sizeLimit: 2,
        attributes: [this.attrs.username, this.attrs.displayName, 'cn', this.attrs.email, ...groupAttr],
      });
      if (searchEntries.length !== 1) {
        if (searchEntries.length > 1) this.log.warn({ username, filter: this.opts.userFilter }, 'ldap: the user filter matches several entries; refusing');
        // The same work as for a known name (a bind on its own connection, refused), so that
        // the answer's time does not tell that the name is not in the directory.
        stage = 'user bind';
        await this.bindAsUser(`cn=hotline-no-such-user-${randomBytes(8).toString('hex')},${this.opts.baseDn}`, password).catch((err: unknown) => {
          if (!(err instanceof ResultCodeError)) throw err; // a refusal of another kind is still a refusal
        });
        return { ok: false, reason: 'unknown_user' };
      }
      const entry = searchEntries[0]!;

      stage = 'user bind';
      const bound = await this.bindAsUser(entry.dn, password);
      if (!bound) return { ok: false, reason: 'invalid_credentials' };

      stage = 'group lookup';
      const groups = await this.groupsOf(service, entry);
      const wanted = new Set(groups.map(normalizeDn));
      const role = highestRole(this.opts.roleMap.filter((m) => wanted.has(normalizeDn(m.group))).map((m) => m.role));
      if (!role) return { ok: false, reason: 'no_role' };
      return {
        ok: true,
        user: {
          dn: entry.dn,
          username: values(entry, this.attrs.username)[0] ?? username,
          displayName: values(entry, this.attrs.displayName)[0] ?? values(entry, 'cn')[0] ?? username,
          email: values(entry, this.attrs.email)[0] ?? null,
          groups,
          role,
        },
      };
    } catch (err) {
      // Messages from ldapts/the socket carry no credentials; never add the options here.
      this.log.error({ err: (err as Error).message, stage, ldap: this.describe() }, 'ldap: directory unavailable');
      return { ok: false, reason: 'directory_unavailable' };
    } finally {
      await service?.unbind().catch(logFailure(this.log, 'ldap: unbind of the service account', { level: 'debug' }));
    }
  }

  /** true when the password is right; false for wrong credentials; throws when unreachable. */
  private async bindAsUser(dn: string, password: string): Promise<boolean> {
    const client = await this.connect();
    try {
      await client.bind(dn, password);
      return true;
    } catch (err) {
      if (err instanceof LdapInvalidCredentials) return false;
      throw err;
    } finally {
      await client.unbind().catch(logFailure(this.log, 'ldap: unbind after the user bind', { level: 'debug' }));
    }
  }

  private async groupsOf(service: Client, entry: Entry): Promise<string[]> {
    const gs = this.opts.groupSearch;
    if (!gs) return values(entry, this.opts.groupAttribute ?? 'memberOf');
    const filter = buildFilter(gs.filter ?? '(member={{dn}})', { dn: entry.dn, username: values(entry, this.attrs.username)[0] ?? '' });
    const { searchEntries } = await service.search(gs.baseDn, { scope: 'sub', filter, attributes: ['1.1'] });
    return searchEntries.map((e) => e.dn);
  }
}
