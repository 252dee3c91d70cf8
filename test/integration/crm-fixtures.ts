// The CRM module on a real SQLite or MariaDB database, served on a small express app, with
// the calls module's pager as its call-history port; and a snapshot of every CRM table to
// prove that refused input changed nothing.
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { callRecordPager } from '../../app/calls/calls.pager.js';
import { CallRecord } from '../../app/calls/calls.entities.js';
import { createCrmModule } from '../../app/crm/index.js';
import type { CrmService } from '../../app/crm/crm.service.js';
import { createDataSource } from '../../app/db/data-source.js';
import { createLogger } from '../../app/logger.js';
import { api as call, type ApiResponse } from '../support/api.js';
import { adminRoutes } from '../support/auth.js';
import { createTestDb, dbConfig, type DbKind, type TestDb } from '../support/db.js';
import { serveApi } from '../support/serve.js';

export interface CrmApp {
  kind: DbKind;
  ds: DataSource;
  crm: CrmService;
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startCrmApp(kind: DbKind): Promise<CrmApp> {
  const db: TestDb = await createTestDb(kind);
  const ds = createDataSource(dbConfig(db));
  await ds.initialize();
  await ds.runMigrations();
  const log = createLogger({ level: 'silent', secrets: [] });
  const pager = callRecordPager(ds);
  const mod = createCrmModule({ db: ds, routes: adminRoutes(), calls: { listByCallers: (c, l, b) => pager.byCallers(c, l, b) } });
  const served = await serveApi(log, mod.router);
  return {
    kind,
    ds,
    crm: mod.service,
    api: (method, path, body) => call(served.base, method, path, body, null),
    async close() {
      await served.close();
      if (ds.isInitialized) await ds.destroy();
      await db.drop();
    },
  };
}

const TABLES: Record<string, string> = {
  customers: 'id',
  customer_phones: 'phone',
  customer_emails: 'customer_id, email',
  customer_tags: 'customer_id, tag',
  companies: 'id',
  company_contacts: 'company_id, customer_id',
  interactions: 'id',
  reminders: 'id',
};

export interface Snapshot {
  counts: Record<string, number>;
  digest: string;
}

/** Row counts of every CRM table and a checksum of all their rows. */
export async function snapshot(ds: DataSource): Promise<Snapshot> {
  const counts: Record<string, number> = {};
  const hash = createHash('sha256');
  for (const [table, order] of Object.entries(TABLES)) {
    const rows = await ds.query(`SELECT * FROM ${table} ORDER BY ${order}`);
    counts[table] = rows.length;
    hash.update(JSON.stringify(rows));
  }
  return { counts, digest: hash.digest('hex') };
}

/** A call record as the calls module writes it (caller number as the trunk sent it). */
export async function insertCall(ds: DataSource, callerNumber: string, startedAt: Date): Promise<string> {
  const id = randomUUID();
  await ds.getRepository(CallRecord).insert({
    id, channelId: `test-${id}`, callerNumber, callerName: null, calledNumber: '4008100000', flow: 'welcome', startedAt,
    answeredAt: startedAt, endedAt: new Date(startedAt.getTime() + 30_000), durationMs: 30_000, outcome: 'completed', hangupCause: null,
    digits: '', ivrPath: '[]', currentStep: null, flowVersionId: null, variables: null, handledBy: 'test',
  });
  return id;
}
