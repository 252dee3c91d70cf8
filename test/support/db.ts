// The databases integration tests run on: the embedded SQLite default and a real
// MariaDB (HOTLINE_TEST_MARIADB_*, default hotline_ci@127.0.0.1:3306, the account `npm test`
// creates: scripts/test-setup.sh).
// Each test database is created fresh and dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';

import type { Config } from '../../app/config.js';

export type DbKind = 'sqlite' | 'mariadb';

export const DB_KINDS: DbKind[] = (process.env.HOTLINE_TEST_DBS ?? 'sqlite,mariadb').split(',').map((s) => s.trim() as DbKind);

/**
 * The databases a file that drives real calls runs its cases on. Calls cost real seconds, and what
 * such a file asks of the database is the reads and writes the database-only files already test on
 * both; so it runs on `prefer` alone — the call files alternate, and SQLite and MariaDB both carry
 * real calls in every run (first-call and acd run on both) — unless HOTLINE_TEST_CALLS_ON_ALL_DBS=1,
 * which runs it on every database of DB_KINDS.
 */
export function dbKindsForCalls(prefer: DbKind): DbKind[] {
  if (process.env.HOTLINE_TEST_CALLS_ON_ALL_DBS === '1' || !DB_KINDS.includes(prefer)) return DB_KINDS;
  return [prefer];
}

const maria = {
  host: process.env.HOTLINE_TEST_MARIADB_HOST ?? '127.0.0.1',
  port: Number(process.env.HOTLINE_TEST_MARIADB_PORT ?? 3306),
  user: process.env.HOTLINE_TEST_MARIADB_USER ?? 'hotline_ci',
  password: process.env.HOTLINE_TEST_MARIADB_PASSWORD ?? 'hotline-ci-db',
};

export interface TestDb {
  kind: DbKind;
  /** HOTLINE_DB_* settings that point Hotline at this database. */
  env: Record<string, string>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a statement that changes data (query() is read-only on SQLite). */
  exec(sql: string, params?: unknown[]): Promise<void>;
  drop(): Promise<void>;
}

let counter = 0;

export async function createTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-db-'));
    const path = join(dir, 'hotline.sqlite');
    return {
      kind,
      env: { HOTLINE_DB_TYPE: 'sqlite', HOTLINE_DB_PATH: path },
      async query<T>(sql: string, params: unknown[] = []) {
        const db = new Sqlite(path, { readonly: true });
        try {
          return db.prepare(sql).all(...params) as T[];
        } finally {
          db.close();
        }
      },
      async exec(sql: string, params: unknown[] = []) {
        const db = new Sqlite(path);
        try {
          db.pragma('busy_timeout = 5000');
          db.prepare(sql).run(...params);
        } finally {
          db.close();
        }
      },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `hotline_test_${process.pid}_${++counter}`;
  const admin = await mysql.createConnection(maria);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  return {
    kind,
    env: {
      HOTLINE_DB_TYPE: 'mariadb',
      HOTLINE_DB_HOST: maria.host,
      HOTLINE_DB_PORT: String(maria.port),
      HOTLINE_DB_USER: maria.user,
      HOTLINE_DB_PASSWORD: maria.password,
      HOTLINE_DB_NAME: name,
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const conn = await mysql.createConnection({ ...maria, database: name, timezone: 'Z' });
      try {
        const [rows] = await conn.query(sql, params);
        return rows as T[];
      } finally {
        await conn.end();
      }
    },
    async exec(sql: string, params: unknown[] = []) {
      const conn = await mysql.createConnection({ ...maria, database: name, timezone: 'Z' });
      try {
        await conn.query(sql, params);
      } finally {
        await conn.end();
      }
    },
    async drop() {
      const conn = await mysql.createConnection(maria);
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

/** The database settings of a test database, for an in-process DataSource. */
export function dbConfig(t: TestDb): Config['db'] {
  const e = t.env;
  if (e.HOTLINE_DB_TYPE === 'sqlite') return { type: 'sqlite', path: e.HOTLINE_DB_PATH! };
  return { type: 'mariadb', host: e.HOTLINE_DB_HOST!, port: Number(e.HOTLINE_DB_PORT), user: e.HOTLINE_DB_USER!, password: e.HOTLINE_DB_PASSWORD ?? '', database: e.HOTLINE_DB_NAME! };
}
