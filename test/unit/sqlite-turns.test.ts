// Two requests' transactions on the embedded SQLite at once: without turns, TypeORM's single
// connection nests the second as a savepoint of the first, so the first's rollback silently undoes
// the second's committed write (and a plain write made meanwhile). With takeTurnsOnSqlite they run
// one after the other and each keeps what it committed.
import { expect } from 'chai';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { takeTurnsOnSqlite } from '../../app/db/sqlite-turns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scenario(turns: boolean): Promise<{ rows: number[]; secondResolved: boolean }> {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  if (turns) takeTurnsOnSqlite(ds);
  await ds.initialize();
  try {
    await ds.query('CREATE TABLE t (n INTEGER)');
    let secondResolved = false;
    const first = ds.transaction(async (m) => {
      await m.query('INSERT INTO t VALUES (1)');
      await sleep(60); // another request arrives meanwhile
      throw new Error('the import found a bad row: all or nothing');
    });
    await sleep(10);
    const second = ds.transaction(async (m) => {
      await m.query('INSERT INTO t VALUES (2)');
    }).then(() => (secondResolved = true));
    const plain = ds.query('INSERT INTO t VALUES (3)');
    await first.catch(() => undefined);
    await Promise.allSettled([second, plain]);
    const rows = ((await ds.query('SELECT n FROM t ORDER BY n')) as Array<{ n: number }>).map((r) => r.n);
    return { rows, secondResolved };
  } finally {
    await ds.destroy();
  }
}

describe('SQLite transactions take turns on the one connection', () => {
  it('without turns (TypeORM as it is), a rolled-back transaction takes another request\'s committed write with it', async () => {
    const r = await scenario(false);
    expect(r.secondResolved, 'the second transaction reported success').to.equal(true);
    expect(r.rows).to.not.include(2);
  });

  it('with turns, the rollback undoes only its own write; the second transaction and the plain write stay', async () => {
    const r = await scenario(true);
    expect(r.secondResolved).to.equal(true);
    expect(r.rows).to.deep.equal([2, 3]);
  });

  it('a transaction started inside the running one nests (savepoint) instead of waiting for itself', async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    takeTurnsOnSqlite(ds);
    await ds.initialize();
    try {
      await ds.query('CREATE TABLE t (n INTEGER)');
      await ds.transaction(async (m) => {
        await m.query('INSERT INTO t VALUES (1)');
        await ds.transaction(async (inner) => inner.query('INSERT INTO t VALUES (2)')); // a service called from inside
        await ds.query('INSERT INTO t VALUES (3)'); // a plain query from inside
      });
      expect(((await ds.query('SELECT n FROM t ORDER BY n')) as Array<{ n: number }>).map((r) => r.n)).to.deep.equal([1, 2, 3]);
    } finally {
      await ds.destroy();
    }
  });
});
