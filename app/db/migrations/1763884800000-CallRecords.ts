import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Written with TypeORM's Table API so one migration serves MariaDB, MySQL and SQLite.
export class CallRecords1763884800000 implements MigrationInterface {
  name = 'CallRecords1763884800000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'call_records',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'channel_id', type: 'varchar', length: '128' },
          { name: 'caller_number', type: 'varchar', length: '64' },
          { name: 'caller_name', type: 'varchar', length: '128', isNullable: true },
          { name: 'called_number', type: 'varchar', length: '64' },
          { name: 'flow', type: 'varchar', length: '64' },
          ts('started_at'),
          ts('answered_at', true),
          ts('ended_at', true),
          { name: 'duration_ms', type: 'int', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '32', isNullable: true },
          { name: 'hangup_cause', type: 'varchar', length: '64', isNullable: true },
          { name: 'digits', type: 'varchar', length: '255', default: "''" },
          { name: 'ivr_path', type: 'text' },
          { name: 'current_step', type: 'varchar', length: '64', isNullable: true },
          { name: 'handled_by', type: 'varchar', length: '64' },
        ],
        indices: [
          new TableIndex({ name: 'idx_call_records_channel', columnNames: ['channel_id'], isUnique: true }),
          new TableIndex({ name: 'idx_call_records_caller', columnNames: ['caller_number'] }),
          new TableIndex({ name: 'idx_call_records_started', columnNames: ['started_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'call_events',
        columns: [
          {
            name: 'id',
            type: sqlite ? 'integer' : 'bigint',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'call_id', type: 'varchar', length: '36' },
          ts('at'),
          { name: 'type', type: 'varchar', length: '48' },
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'idx_call_events_call', columnNames: ['call_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('call_events');
    await q.dropTable('call_records');
  }
}
