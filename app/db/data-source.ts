// Builds the TypeORM DataSource from the validated config: MariaDB/MySQL in production,
// better-sqlite3 as the embedded default. Never `synchronize`; migrations only.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { takeTurnsOnSqlite } from './sqlite-turns.js';
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
import { IoMerged1764710000000 } from './migrations/1764710000000-IoMerged.js';
import { authEntities } from '../auth/auth.entities.js';
import { Auth1763930000000 } from './migrations/1763930000000-Auth.js';
import { kbEntities } from '../kb/kb.entities.js';
import { Kb1764100000000 } from './migrations/1764100000000-Kb.js';
import { KbChunks1764520000000 } from './migrations/1764520000000-KbChunks.js';
import { KbMixedScripts1764720000000 } from './migrations/1764720000000-KbMixedScripts.js';
import { acdEntities } from '../acd/acd.entities.js';
import { Acd1764400000000 } from './migrations/1764400000000-Acd.js';
import { Callbacks1764550000000 } from './migrations/1764550000000-Callbacks.js';
import { LiveEvents1764600000000 } from './migrations/1764600000000-LiveEvents.js';
import { AgentDesk1764713130000 } from './migrations/1764713130000-AgentDesk.js';
import { schedulerEntities } from '../scheduler/scheduler.entities.js';
import { Scheduler1764150000000 } from './migrations/1764150000000-Scheduler.js';
import { ticketEntities } from '../tickets/tickets.entities.js';
import { Tickets1764200000000 } from './migrations/1764200000000-Tickets.js';
import { attachEntities } from '../attach/attach.entities.js';
import { reportEntities } from '../reports/reports.entities.js';
import { Reports1764800000000 } from './migrations/1764800000000-Reports.js';
import { CallRecordsOpen1764850000000 } from './migrations/1764850000000-CallRecordsOpen.js';
import { ReportSchedules1764900000000 } from './migrations/1764900000000-ReportSchedules.js';
import { ReportIndexes1764900000001 } from './migrations/1764900000001-ReportIndexes.js';
import { ReportSchedule } from '../reports/schedules.entities.js';
import { Attach1764500000000 } from './migrations/1764500000000-Attach.js';
import { LoginLockouts1764917170000 } from './migrations/1764917170000-LoginLockouts.js';
import { recordingEntities } from '../recording/recording.entities.js';
import { qaEntities } from '../qa/qa.entities.js';
import { Qa1764910000000 } from './migrations/1764910000000-Qa.js';
import { Recordings1764900000000 } from './migrations/1764900000000-Recordings.js';
import { faxEntities } from '../fax/fax.entities.js';
import { voicemailEntities } from '../voicemail/voicemail.entities.js';
import { blockingEntities } from '../blocking/blocking.entities.js';
import { surveyEntities } from '../survey/survey.entities.js';
import { campaignEntities } from '../campaign/campaign.entities.js';
import { Fax1764900000000 } from './migrations/1764900000000-Fax.js';
import { FaxWork1764990000000 } from './migrations/1764990000000-FaxWork.js';
import { AgentDayRollups1765000000000 } from './migrations/1765000000000-AgentDayRollups.js';
import { QueueCallHoldWrapup1765000000001 } from './migrations/1765000000001-QueueCallHoldWrapup.js';
import { RecordingKeywords1765000000002 } from './migrations/1765000000002-RecordingKeywords.js';
import { QueuePositions1765000000003 } from './migrations/1765000000003-QueuePositions.js';
import { ReportScheduleFilters1765000000009 } from './migrations/1765000000009-ReportScheduleFilters.js';
import { PasswordChangeRequired1765000000010 } from './migrations/1765000000010-PasswordChangeRequired.js';
import { OutboundCalls1765000000005 } from './migrations/1765000000005-OutboundCalls.js';
import { QaCalibrationSampling1765000000006 } from './migrations/1765000000006-QaCalibrationSampling.js';
import { webhookEntities } from '../webhooks/webhooks.entities.js';
import { Webhooks1765100000000 } from './migrations/1765100000000-Webhooks.js';
import { Voicemails1765200000000 } from './migrations/1765200000000-Voicemails.js';
import { BlockedNumbers1765300000000 } from './migrations/1765300000000-BlockedNumbers.js';
import { Surveys1765400000000 } from './migrations/1765400000000-Surveys.js';
import { Campaigns1765500000000 } from './migrations/1765500000000-Campaigns.js';

export const entities = [...callEntities, Prompt, ...ivrEntities, ...crmEntities, ...authEntities, ...ioEntities, ...kbEntities, ...schedulerEntities, ...ticketEntities, ...acdEntities, ...attachEntities, ...reportEntities, ReportSchedule, ...recordingEntities, ...qaEntities, ...faxEntities, ...webhookEntities, ...voicemailEntities, ...blockingEntities, ...surveyEntities, ...campaignEntities];
export const migrations = [CallRecords1763884800000, Prompts1763900000000, IvrFlows1763910000000, Customers1763920000000, Auth1763930000000, Io1763940000000, Kb1764100000000, Scheduler1764150000000, Tickets1764200000000, CrmCore1764300000000, Acd1764400000000, Attach1764500000000, KbChunks1764520000000, Callbacks1764550000000, LiveEvents1764600000000, IoMerged1764710000000, AgentDesk1764713130000, KbMixedScripts1764720000000, Reports1764800000000, CallRecordsOpen1764850000000, LoginLockouts1764917170000, ReportSchedules1764900000000, ReportIndexes1764900000001, Recordings1764900000000, Qa1764910000000, Fax1764900000000, FaxWork1764990000000, AgentDayRollups1765000000000, QueueCallHoldWrapup1765000000001, RecordingKeywords1765000000002, QueuePositions1765000000003, OutboundCalls1765000000005, QaCalibrationSampling1765000000006, ReportScheduleFilters1765000000009, PasswordChangeRequired1765000000010, Webhooks1765100000000, Voicemails1765200000000, BlockedNumbers1765300000000, Surveys1765400000000, Campaigns1765500000000];

export function createDataSource(db: Config['db']): DataSource {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
    const ds = new DataSource({
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
    takeTurnsOnSqlite(ds); // one connection: concurrent transactions would nest as savepoints
    return ds;
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
    // mysql2's default: a loaded box (the loaded test run, two busy processes) took MariaDB over 5 s to shake hands
    connectTimeout: 10_000,
    extra: { connectionLimit: 20 },
  });
}
