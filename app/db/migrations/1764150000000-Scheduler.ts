import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Persisted timed jobs (app/scheduler). Table API, so one migration serves MariaDB, MySQL and SQLite.
export class Scheduler1764150000000 implements MigrationInterface {
  name = 'Scheduler1764150000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    await q.createTable(
      new Table({
        name: 'scheduled_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '64' },
          { name: 'job_key', type: 'varchar', length: '191' },
          ts('due_at'),
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'claimed_by', type: 'varchar', length: '64', isNullable: true },
          ts('claimed_at', true),
          { name: 'claim_token', type: 'varchar', length: '36', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '1000', isNullable: true },
          ts('done_at', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_scheduled_jobs_kind_key', columnNames: ['kind', 'job_key'], isUnique: true }),
          new TableIndex({ name: 'idx_scheduled_jobs_status_due', columnNames: ['status', 'due_at'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scheduled_jobs');
  }
}
