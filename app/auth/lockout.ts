// Account lockout keyed on the username typed, stored in the database (both hot-standby nodes
// see it): a local user, a directory user who has never signed in and a name nobody has are
// counted and locked alike, so the answers (401, then 423) never tell which names exist.
// A user row, when there is one, mirrors the lock (`users.locked_until`) for the admin's view;
// the decision is taken here only.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LoginLockout, User } from './auth.entities.js';

/** Rows untouched for this long are forgotten (a lock is far shorter; bounds the table). */
const FORGET_AFTER_MS = 24 * 3600_000;

export const usernameKey = (username: string) => createHash('sha256').update(username, 'utf8').digest('hex');

export class LoginLockouts {
  private lastSweep = 0;

  constructor(
    private readonly db: DataSource,
    private readonly opts: { maxFailed: number; lockoutMs: number; now: () => number },
  ) {}

  /** The end of the lock on this username, or null when it may try. */
  async lockedUntil(username: string): Promise<Date | null> {
    const row = await this.db.manager.findOne(LoginLockout, { where: { usernameKey: usernameKey(username) } });
    return row?.lockedUntil && row.lockedUntil.getTime() > this.opts.now() ? row.lockedUntil : null;
  }

  /**
   * Counts one failure; returns the new lock's end when this failure reached the limit.
   * The count is incremented in SQL so that concurrent failures (two nodes) are all counted.
   */
  async failed(username: string): Promise<Date | null> {
    const key = usernameKey(username);
    const now = new Date(this.opts.now());
    const bump = () => this.db.manager
      .createQueryBuilder()
      .update(LoginLockout)
      .set({ failedAttempts: () => 'failed_attempts + 1', updatedAt: now })
      .where('username_key = :key', { key })
      .execute();
    if (!(await bump()).affected) {
      try {
        await this.db.manager.insert(LoginLockout, { usernameKey: key, username, failedAttempts: 1, lockedUntil: null, updatedAt: now });
      } catch {
        await bump(); // inserted meanwhile by a concurrent failure
      }
    }
    await this.sweep();
    const row = await this.db.manager.findOneOrFail(LoginLockout, { where: { usernameKey: key } });
    if (row.failedAttempts < this.opts.maxFailed) {
      await this.db.manager.update(User, { username }, { failedAttempts: row.failedAttempts });
      return null;
    }
    const until = new Date(this.opts.now() + this.opts.lockoutMs);
    await this.db.manager.update(LoginLockout, { usernameKey: key }, { failedAttempts: 0, lockedUntil: until, updatedAt: now });
    await this.db.manager.update(User, { username }, { lockedUntil: until, failedAttempts: 0 });
    return until;
  }

  /** A successful login (or an admin's unlock) starts the count again. */
  async clear(username: string): Promise<void> {
    await this.db.manager.delete(LoginLockout, { usernameKey: usernameKey(username) });
  }

  private async sweep(): Promise<void> {
    const now = this.opts.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.db.manager
      .createQueryBuilder()
      .delete()
      .from(LoginLockout)
      .where('updated_at < :before', { before: new Date(now - FORGET_AFTER_MS) })
      .execute();
  }
}
