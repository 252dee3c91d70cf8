// The tickets module served in-process on a real database, with the real CRM, calls, auth
// and scheduler services it depends on. A request without a token is an admin named
// test-admin; `signAs(token, principal)` makes a bearer token stand for another caller.
import type { DataSource } from 'typeorm';
import { AuthService } from '../../app/auth/auth.service.js';
import { CallsService } from '../../app/calls/calls.service.js';
import { CrmService } from '../../app/crm/crm.service.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { SchedulerService } from '../../app/scheduler/index.js';
import { createTicketsModule, type TicketsService } from '../../app/tickets/index.js';
import { bearerToken } from '../../app/auth/auth.http.js';
import { RouteRegistry, SecureRouter, type Principal } from '../../app/auth/permissions.js';
import { createTestDb, dbConfig, type DbKind, type TestDb } from '../support/db.js';
import { serveApi } from '../support/serve.js';

export interface TicketsApp {
  db: TestDb;
  ds: DataSource;
  origin: string;
  tickets: TicketsService;
  scheduler: SchedulerService;
  crm: CrmService;
  auth: AuthService;
  calls: CallsService;
  /** Requests with `Authorization: Bearer <token>` are made by this principal from now on. */
  signAs(token: string, principal: Principal): void;
  close(): Promise<void>;
}

const ADMIN: Principal = { kind: 'user', id: 'test-admin', name: 'test-admin', role: 'admin' };

export async function startTicketsApp(kind: DbKind): Promise<TicketsApp> {
  const log = createLogger({ level: 'silent', secrets: [] });
  const db = await createTestDb(kind);
  const ds = createDataSource(dbConfig(db));
  await ds.initialize();
  await ds.runMigrations();
  const crm = new CrmService(ds);
  const auth = new AuthService(ds, log, null, { sessionTtlMs: 3600_000 });
  const calls = new CallsService(ds, 'test-node');
  const scheduler = new SchedulerService(ds, { nodeName: 'test-node', isActive: () => true, log });
  const callers = new Map<string, Principal>();
  const routes = new SecureRouter({
    registry: new RouteRegistry(),
    authenticate: async (req) => {
      const token = bearerToken(req);
      return token === null ? ADMIN : (callers.get(token) ?? null);
    },
  });
  const mod = createTicketsModule({ db: ds, customers: crm, calls, users: auth.users, people: auth.people, scheduler, log, routes });
  const served = await serveApi(log, mod.router);
  return {
    db,
    ds,
    origin: new URL(served.base).origin,
    tickets: mod.service,
    scheduler,
    crm,
    auth,
    calls,
    signAs: (token, principal) => void callers.set(token, principal),
    async close() {
      await served.close();
      await calls.close();
      await ds.destroy();
      await db.drop();
    },
  };
}

/** Row counts of every ticket table and the scheduler's, plus each ticket's row: "nothing changed" is this being equal. */
export async function snapshot(ds: DataSource): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const t of ['tickets', 'ticket_comments', 'ticket_attachments', 'ticket_attachment_data', 'ticket_history', 'ticket_sla_policies']) {
    out[t] = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  }
  out.jobs = await ds.query('SELECT kind, job_key, status, due_at FROM scheduled_jobs ORDER BY kind, job_key');
  out.rows = await ds.query('SELECT * FROM tickets ORDER BY seq');
  return out;
}
