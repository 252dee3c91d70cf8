// SQLite through TypeORM has ONE connection: BetterSqlite3Driver.createQueryRunner() returns the
// same query runner every time. Two `transaction()` calls running at once therefore nest as
// savepoints of one another (one's rollback undoes the other's committed writes; a commit can
// release the other's savepoint and fail it), and a plain write made while another request's
// transaction is open joins that transaction and is rolled back with it. This makes transactions
// take turns on the connection, and makes work outside a transaction wait until the open one has
// ended. A transaction started inside the running one (same async context) nests as TypeORM does.
// MariaDB/MySQL are untouched: each transaction has its own pooled connection there.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';
import { settled } from '../log-failure.js';

export function takeTurnsOnSqlite(ds: DataSource): void {
  if (ds.options.type !== 'better-sqlite3') return;
  const owner = new AsyncLocalStorage<symbol>();
  let active: symbol | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  // A timer or callback started inside a transaction keeps its async context after it ended: it is
  // inside only while that very transaction runs.
  const inside = (): boolean => active !== undefined && owner.getStore() === active;

  const manager = ds.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => {
    if (inside()) return transaction(...args);
    const token = Symbol('sqlite transaction');
    const run = tail.then(() => {
      active = token;
      return owner.run(token, () => transaction(...args));
    }).finally(() => {
      if (active === token) active = undefined;
    });
    tail = settled(run); // the next waits for this one; run's error goes to its caller
    return run;
  }) as typeof manager.transaction;

  const driver = ds.driver as unknown as { createQueryRunner(mode?: string): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  const patched = new WeakSet<QueryRunner>();
  driver.createQueryRunner = (mode?: string) => {
    const qr = create(mode);
    if (!patched.has(qr)) {
      patched.add(qr);
      const query = qr.query.bind(qr) as (...args: unknown[]) => Promise<unknown>;
      qr.query = (async (...args: unknown[]) => {
        while (active !== undefined && !inside()) await tail;
        return query(...args);
      }) as typeof qr.query;
    }
    return qr;
  };
}
