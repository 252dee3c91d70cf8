// The knowledge base served on its own (serveApi) over a real SQLite or MariaDB database,
// with five fixed callers (two agents, two supervisors, an admin) chosen by bearer token, and
// the real audit log behind the routes' `audit` declarations.
import { DataSource } from 'typeorm';
import { RouteRegistry, SecureRouter, type Principal } from '../../app/auth/permissions.js';
import { createAuthModule } from '../../app/auth/index.js';
import { createDataSource, migrations } from '../../app/db/data-source.js';
import { createKbModule } from '../../app/kb/index.js';
import { createLogger } from '../../app/logger.js';
import { api, type ApiResponse } from './api.js';
import { createTestDb, dbConfig, type DbKind, type TestDb } from './db.js';
import { serveApi } from './serve.js';

export const USERS = {
  agent: { kind: 'user', id: 'u-agent', name: 'alice', role: 'agent' },
  agent2: { kind: 'user', id: 'u-agent2', name: 'bob', role: 'agent' },
  sup: { kind: 'user', id: 'u-sup', name: 'sam', role: 'supervisor' },
  sup2: { kind: 'user', id: 'u-sup2', name: 'sue', role: 'supervisor' },
  admin: { kind: 'user', id: 'u-admin', name: 'ada', role: 'admin' },
} satisfies Record<string, Principal>;
export type Who = keyof typeof USERS;

export interface KbApp {
  kind: DbKind;
  ds: DataSource;
  base: string;
  call<T = any>(who: Who, method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  upload(who: Who, articleId: string, filename: string, bytes: Buffer, type?: string): Promise<ApiResponse>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export interface KbAppOptions {
  maxAttachmentBytes?: number;
  /** An existing database (kept on close: its creator drops it); default a new one. */
  db?: TestDb;
  /** Migrations (by name) not to run: a database as an older release left it. */
  without?: string[];
}

export async function startKbApp(kind: DbKind, opts: KbAppOptions = {}): Promise<KbApp> {
  const db: TestDb = opts.db ?? (await createTestDb(kind));
  const full = createDataSource(dbConfig(db));
  const without = opts.without ?? [];
  const ds = without.length ? new DataSource({ ...full.options, migrations: migrations.filter((m) => !without.includes(m.name)) } as typeof full.options) : full;
  await ds.initialize();
  await ds.runMigrations();
  const log = createLogger({ level: 'silent', secrets: [] });
  const auth = createAuthModule({ db: ds, log, sessionTtlMs: 60_000 });
  const routes = new SecureRouter({
    registry: new RouteRegistry(),
    authenticate: async (req) => USERS[(req.headers.authorization ?? '').replace(/^Bearer /, '') as Who] ?? null,
    audit: (entry) => auth.service.audit(entry),
  });
  const kb = createKbModule({ db: ds, log, maxAttachmentBytes: opts.maxAttachmentBytes, people: auth.service.people, routes });
  const served = await serveApi(log, kb.router);
  return {
    kind,
    ds,
    base: served.base,
    call: (who, method, path, body) => api(served.base, method, path, body, who),
    async upload(who, articleId, filename, bytes, type = 'application/octet-stream') {
      const res = await fetch(`${served.base}/kb/articles/${articleId}/attachments?filename=${encodeURIComponent(filename)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${who}`, 'content-type': type },
        body: new Uint8Array(bytes),
      });
      return { status: res.status, body: await res.json() };
    },
    async count(table) {
      const [row] = (await ds.query(`SELECT COUNT(*) AS n FROM ${table}`)) as Array<{ n: number | string }>;
      return Number(row?.n ?? 0);
    },
    async close() {
      await served.close();
      if (ds.isInitialized) await ds.destroy();
      if (!opts.db) await db.drop();
    },
  };
}

/** Creates an article as `author` and has `reviewer` publish it; returns its id. */
export async function publish(app: KbApp, author: Who, reviewer: Who, input: Record<string, unknown>): Promise<string> {
  const created = await app.call(author, 'POST', '/kb/articles', input);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const submitted = await app.call(author, 'POST', `/kb/articles/${id}/submit`);
  if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await app.call(reviewer, 'POST', `/kb/articles/${id}/approve`, {});
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return id;
}
