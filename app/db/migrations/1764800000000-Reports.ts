import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const COUNTERS = [
  'offered', 'answered', 'answered_in_sl', 'abandoned', 'abandoned_short', 'callbacks', 'overflowed', 'timeouts', 'waiting',
  'answered_wait_seconds', 'abandoned_wait_seconds', 'max_answered_wait_seconds', 'talk_seconds', 'hold_seconds', 'wrapup_seconds',
];

/** Reports: one fact per queue leg, and the 15-minute rollups (both rebuildable from the ACD's queue calls). */
export class Reports1764800000000 implements MigrationInterface {
  name = 'Reports1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'report_call_facts',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'source', type: 'varchar', length: '32' },
        { name: 'queue', type: 'varchar', length: '64' },
        { name: 'uniqueid', type: 'varchar', length: '64' },
        { name: 'caller_number', type: 'varchar', length: '64' },
        { name: 'region', type: 'varchar', length: '128' },
        { name: 'city', type: 'varchar', length: '128' },
        { name: 'joined_at', type: 'datetime', precision: 3 },
        { name: 'bucket_at', type: 'datetime', precision: 3 },
        { name: 'outcome', type: 'varchar', length: '16' },
        { name: 'wait_seconds', type: 'int' },
        { name: 'talk_seconds', type: 'int' },
        { name: 'hold_seconds', type: 'int' },
        { name: 'wrapup_seconds', type: 'int' },
        { name: 'agent_id', type: 'varchar', length: '36', isNullable: true },
        { name: 'disposition', type: 'varchar', length: '32' },
        { name: 'answered_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'ended_at', type: 'datetime', precision: 3, isNullable: true },
        { name: 'overflow_to', type: 'varchar', length: '64' },
      ],
      indices: [
        new TableIndex({ name: 'idx_report_call_facts_bucket', columnNames: ['bucket_at'] }),
        new TableIndex({ name: 'idx_report_call_facts_queue_joined', columnNames: ['queue', 'joined_at'] }),
        new TableIndex({ name: 'idx_report_call_facts_outcome_joined', columnNames: ['outcome', 'joined_at'] }),
        new TableIndex({ name: 'idx_report_call_facts_caller_joined', columnNames: ['caller_number', 'joined_at'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'report_rollups',
      columns: [
        { name: 'dimension', type: 'varchar', length: '16', isPrimary: true },
        { name: 'bucket_at', type: 'datetime', precision: 3, isPrimary: true },
        { name: 'dim_key', type: 'varchar', length: '128', isPrimary: true },
        { name: 'queue', type: 'varchar', length: '64', isPrimary: true },
        ...COUNTERS.map((name) => ({ name, type: 'int' })),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_rollups');
    await q.dropTable('report_call_facts');
  }
}
