// Applies the pending migrations. On MariaDB/MySQL a schema change commits by itself: a
// migration cut off part-way (its process killed, its connection lost) leaves its first tables
// or columns behind and no row in `migrations`, and run again it stops at "Table ... already
// exists" on every start from then on (seen: a node killed while it migrated on a loaded box
// never started again). So there:
// - one node migrates at a time (a named lock; a second node waits for the first);
// - each migration is marked as started (hotline_migrations_started) before it runs; the mark
//   is committed with its first schema change, and taken back when its first statement fails;
// - a migration found marked but not applied is run again with the statements whose effect is
//   already there skipped ("already exists", "duplicate", "can't drop: does not exist") and
//   logged. A migration not marked is never second-guessed: a table in its way that Hotline did
//   not make still stops the start with the database's own message.
// SQLite runs each migration in a transaction that covers its schema changes too.
import type { DataSource, Migration, MigrationInterface, QueryRunner } from 'typeorm';
import { logFailure } from '../log-failure.js';
import type { Logger } from '../logger.js';

const LOCK = 'hotline_migrations';
const LOCK_WAIT_SECONDS = 120;
const MARKS = 'hotline_migrations_started';
/** MySQL/MariaDB error numbers of a statement whose effect is already in the schema or the data. */
const ALREADY_DONE = new Map<number, string>([
  [1050, 'table exists'],
  [1060, 'column exists'],
  [1061, 'index exists'],
  [1062, 'row exists'],
  [1068, 'primary key exists'],
  [1091, 'nothing to drop'],
  [1826, 'foreign key exists'],
]);

export async function migrate(ds: DataSource, log: Logger): Promise<Migration[]> {
  if (ds.options.type !== 'mysql' && ds.options.type !== 'mariadb') return ds.runMigrations({ transaction: 'each' });
  const lock = ds.createQueryRunner();
  try {
    const [got] = (await lock.query('SELECT GET_LOCK(?, ?) AS got', [LOCK, LOCK_WAIT_SECONDS])) as Array<{ got: number | string | null }>;
    if (Number(got?.got) !== 1) throw new Error(`another Hotline node has been migrating the database for ${LOCK_WAIT_SECONDS} s`);
    await lock.query(`CREATE TABLE IF NOT EXISTS ${MARKS} (name varchar(255) NOT NULL PRIMARY KEY, started_at datetime(3) NOT NULL)`);
    const marked = new Set(((await lock.query(`SELECT name FROM ${MARKS}`)) as Array<{ name: string }>).map((r) => r.name));
    const restore = ds.migrations.map((m) => resumable(m, marked.has(migrationName(m)), log));
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      await lock.query(`DELETE FROM ${MARKS} WHERE name IN (SELECT name FROM ${ds.options.migrationsTableName ?? 'migrations'})`);
      return applied;
    } finally {
      for (const r of restore) r();
    }
  } finally {
    // The lock goes with the connection anyway.
    await lock.query('SELECT RELEASE_LOCK(?)', [LOCK]).catch(logFailure(log, 'releasing the migration lock', { level: 'debug' }));
    await lock.release();
  }
}

function migrationName(m: MigrationInterface): string {
  return m.name ?? m.constructor.name;
}

/** Marks `m` as started when it runs; run again after a cut-off, it skips what is already done. Returns the undo. */
function resumable(m: MigrationInterface, cutOff: boolean, log: Logger): () => void {
  const up = m.up;
  const name = migrationName(m);
  m.up = async (q: QueryRunner) => {
    // Committed by the first schema change (MariaDB commits before each one).
    await q.query(`INSERT IGNORE INTO ${MARKS} (name, started_at) VALUES (?, NOW(3))`, [name]);
    if (cutOff) log.warn({ migration: name }, 'migration cut off part-way before: applied again, skipping what is already there');
    const run = watched(q, cutOff ? name : null, log);
    try {
      await up.call(m, run.q);
    } catch (err) {
      // Its first statement failed (a table in its way that Hotline did not make): not started.
      if (!cutOff && !run.succeeded()) await q.query(`DELETE FROM ${MARKS} WHERE name = ?`, [name]);
      throw err;
    }
  };
  return () => {
    m.up = up;
  };
}

/**
 * `q`, telling whether any statement succeeded; for a migration cut off before (`resuming`),
 * statements that find their effect already there are logged and skipped.
 */
function watched(q: QueryRunner, resuming: string | null, log: Logger): { q: QueryRunner; succeeded: () => boolean } {
  let succeeded = false;
  const query = async (sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> => {
    try {
      const result = await q.query(sql, parameters, structured as true);
      succeeded = true;
      return result;
    } catch (err) {
      const errno = (err as { driverError?: { errno?: number } }).driverError?.errno;
      const done = resuming === null || errno === undefined ? undefined : ALREADY_DONE.get(errno);
      if (!done) throw err;
      log.info({ migration: resuming, statement: sql.slice(0, 120), skipped: done }, 'migration statement already applied; skipped');
      return structured ? { records: [], raw: [] } : [];
    }
  };
  const proxy = new Proxy(q, { get: (target, prop, receiver) => (prop === 'query' ? query : Reflect.get(target, prop, receiver)) });
  return { q: proxy, succeeded: () => succeeded };
}
