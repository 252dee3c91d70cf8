import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Reports at scale (bench/reports.bench.ts): a bucket's rollup rows by bucket_at (recomputing a
 * bucket deleted them by a scan of the whole table: the primary key starts with the dimension),
 * a caller's facts by its channel (every write reads them: a scan before), and agent state
 * changes by time (agent statistics over a range).
 */
export class ReportIndexes1764900000001 implements MigrationInterface {
  name = 'ReportIndexes1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex('report_rollups', new TableIndex({ name: 'idx_report_rollups_bucket', columnNames: ['bucket_at'] }));
    await q.createIndex('report_call_facts', new TableIndex({ name: 'idx_report_call_facts_caller_leg', columnNames: ['uniqueid', 'source'] }));
    await q.createIndex('acd_agent_events', new TableIndex({ name: 'idx_acd_agent_events_at', columnNames: ['at'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('acd_agent_events', 'idx_acd_agent_events_at');
    await q.dropIndex('report_call_facts', 'idx_report_call_facts_caller_leg');
    await q.dropIndex('report_rollups', 'idx_report_rollups_bucket');
  }
}
