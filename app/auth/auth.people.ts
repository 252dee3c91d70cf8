// People by name, for the other modules: the display name of a user by id or by username
// (a user without one is named by their username), and the enabled users of some roles (the
// people a ticket can be assigned to). Never a password hash, a secret or an e-mail address.
import { Brackets, In, type DataSource } from 'typeorm';
import { User } from './auth.entities.js';
import type { Role } from './permissions.js';

export interface Person {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  team: string | null;
}

/** The name to show: the display name, else the username. */
export const nameOf = (u: Pick<User, 'username' | 'displayName'>): string => u.displayName?.trim() || u.username;

const person = (u: User): Person => ({ id: u.id, username: u.username, displayName: nameOf(u), role: u.role, team: u.team });

/** At most this many ids or usernames per query (far below any database's parameter limit). */
const CHUNK = 500;

export class People {
  constructor(private readonly db: DataSource) {}

  /** Names by user id; ids of no user are left out. */
  namesByIds(ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    return this.names('id', ids);
  }

  /** Names by username (as stored: lower case); usernames of no user are left out. */
  namesByUsernames(usernames: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    return this.names('username', usernames);
  }

  /** Enabled users with one of `roles`, by name; `q` matches the username or the display name. */
  async list(filter: { roles: readonly Role[]; q?: string; limit: number }): Promise<{ items: Person[]; total: number }> {
    const qb = this.db.manager.createQueryBuilder(User, 'u').where('u.disabled = :off', { off: false }).andWhere('u.role IN (:...roles)', { roles: [...filter.roles] });
    if (filter.q) {
      // '!' escapes LIKE wildcards the same way on SQLite and MariaDB.
      const like = `%${filter.q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
      qb.andWhere(new Brackets((w) => w.where("u.username LIKE :like ESCAPE '!'", { like }).orWhere("LOWER(u.displayName) LIKE :like ESCAPE '!'", { like })));
    }
    qb.orderBy('u.displayName', 'ASC').addOrderBy('u.username', 'ASC').take(filter.limit);
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(person), total };
  }

  private async names(key: 'id' | 'username', values: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    const wanted = [...new Set([...values].filter((v): v is string => typeof v === 'string' && v.length > 0))];
    const out = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += CHUNK) {
      const rows = await this.db.manager.find(User, { where: { [key]: In(wanted.slice(i, i + CHUNK)) }, select: { id: true, username: true, displayName: true } });
      for (const u of rows) out.set(u[key], nameOf(u));
    }
    return out;
  }
}
