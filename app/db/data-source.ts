// Builds the TypeORM DataSource from the validated config: MariaDB/MySQL in production,
// better-sqlite3 as the embedded default. Never `synchronize`; migrations only.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { callEntities } from '../calls/calls.entities.js';
import { CallRecords1763884800000 } from './migrations/1763884800000-CallRecords.js';
import { Prompt } from '../prompts/prompts.entities.js';
import { Prompts1763900000000 } from './migrations/1763900000000-Prompts.js';

import { ivrEntities } from '../ivr/ivr.entities.js';
import { IvrFlows1763910000000 } from './migrations/1763910000000-IvrFlows.js';
import { crmEntities } from '../crm/crm.entities.js';
import { Customers1763920000000 } from './migrations/1763920000000-Customers.js';
import { CrmCore1764300000000 } from './migrations/1764300000000-CrmCore.js';
import { ioEntities } from '../io/io.entities.js';
import { Io1763940000000 } from './migrations/1763940000000-Io.js';
import { authEntities } from '../auth/auth.entities.js';
import { Auth1763930000000 } from './migrations/1763930000000-Auth.js';
import { kbEntities } from '../kb/kb.entities.js';
import { Kb1764100000000 } from './migrations/1764100000000-Kb.js';
import { KbChunks1764520000000 } from './migrations/1764520000000-KbChunks.js';
import { acdEntities } from '../acd/acd.entities.js';
import { Acd1764400000000 } from './migrations/1764400000000-Acd.js';
import { Callbacks1764550000000 } from './migrations/1764550000000-Callbacks.js';
import { LiveEvents1764600000000 } from './migrations/1764600000000-LiveEvents.js';
import { schedulerEntities } from '../scheduler/scheduler.entities.js';
import { Scheduler1764150000000 } from './migrations/1764150000000-Scheduler.js';
import { ticketEntities } from '../tickets/tickets.entities.js';
import { Tickets1764200000000 } from './migrations/1764200000000-Tickets.js';
import { attachEntities } from '../attach/attach.entities.js';
import { Attach1764500000000 } from './migrations/1764500000000-Attach.js';

export const entities = [...callEntities, Prompt, ...ivrEntities, ...crmEntities, ...authEntities, ...ioEntities, ...kbEntities, ...schedulerEntities, ...ticketEntities, ...acdEntities, ...attachEntities];
export const migrations = [CallRecords1763884800000, Prompts1763900000000, IvrFlows1763910000000, Customers1763920000000, Auth1763930000000, Io1763940000000, Kb1764100000000, Scheduler1764150000000, Tickets1764200000000, CrmCore1764300000000, Acd1764400000000, Attach1764500000000, KbChunks1764520000000, Callbacks1764550000000, LiveEvents1764600000000];

export function createDataSource(db: Config['db']): DataSource {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      enableWAL: true,
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('synchronous = NORMAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        conn.pragma('cache_size = -65536'); // 64 MB of page cache (default 2 MB): index lookups of the KB search stay in memory
      },
    });
  }
  return new DataSource({
    ...common,
    type: db.type,
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 5000,
    extra: { connectionLimit: 20 },
  });
}
