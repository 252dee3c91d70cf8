import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// Excel import/export (issue 7): import jobs and saved column mappings. Table API, so one
// migration serves MariaDB, MySQL and SQLite.
export class Io1763940000000 implements MigrationInterface {
  name = 'Io1763940000000';

  async up(q: QueryRunner): Promise<void> {
    const ts = (name: string, nullable = false) => ({ name, type: 'datetime', precision: 3, isNullable: nullable });
    const count = (name: string) => ({ name, type: 'int', default: 0 });
    await q.createTable(
      new Table({
        name: 'io_import_jobs',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'mode', type: 'varchar', length: '16' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'file_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'phase', type: 'varchar', length: '16', isNullable: true },
          count('rows_total'),
          count('rows_done'),
          count('created_count'),
          count('updated_count'),
          count('unchanged_count'),
          count('rejected_count'),
          { name: 'applied', type: 'boolean', default: false },
          { name: 'errors', type: 'text', isNullable: true },
          { name: 'ignored_columns', type: 'text', isNullable: true },
          { name: 'error_code', type: 'varchar', length: '64', isNullable: true },
          { name: 'message', type: 'varchar', length: '500', isNullable: true },
          { name: 'report_file', type: 'varchar', length: '255', isNullable: true },
          ts('created_at'),
          ts('updated_at'),
          ts('finished_at', true),
        ],
        indices: [
          new TableIndex({ name: 'idx_io_import_jobs_status', columnNames: ['status'] }),
          new TableIndex({ name: 'idx_io_import_jobs_created', columnNames: ['created_at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'io_mappings',
        columns: [
          { name: 'type', type: 'varchar', length: '32', isPrimary: true },
          { name: 'columns', type: 'text' },
          ts('updated_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('io_mappings');
    await q.dropTable('io_import_jobs');
  }
}
