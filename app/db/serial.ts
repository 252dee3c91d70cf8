// One transaction at a time per SQLite DataSource. TypeORM gives a better-sqlite3 DataSource a
// single connection, so two `transaction()` calls running at once would nest as savepoints of
// one another (a rollback of one could undo the other's writes). Modules that run transactions
// concurrently (the scheduler's jobs next to HTTP requests) chain them here; on MariaDB/MySQL
// every transaction has its own pooled connection and runs at once.
import type { DataSource, EntityManager } from 'typeorm';

const tails = new WeakMap<DataSource, Promise<unknown>>();

export function serialTransaction<T>(db: DataSource, work: (m: EntityManager) => Promise<T>): Promise<T> {
  if (db.options.type !== 'better-sqlite3') return db.transaction(work);
  const prev = tails.get(db) ?? Promise.resolve();
  const run = prev.then(
    () => db.transaction(work),
    () => db.transaction(work),
  );
  tails.set(db, run.catch(() => undefined));
  return run;
}
