import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

// The prompt library (app/prompts). Written with TypeORM's Table API so one migration
// serves MariaDB, MySQL and SQLite.
export class Prompts1763900000000 implements MigrationInterface {
  name = 'Prompts1763900000000';

  async up(q: QueryRunner): Promise<void> {
    const sqlite = q.connection.options.type === 'better-sqlite3';
    const ts = (name: string) => ({ name, type: 'datetime', precision: 3, isNullable: false });
    await q.createTable(
      new Table({
        name: 'prompts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          // A prompt name is a file name Asterisk looks up case-sensitively: compare it the same
          // way in MariaDB/MySQL (their default collation would make 'Welcome' = 'welcome').
          { name: 'name', type: 'varchar', length: '64', ...(sqlite ? {} : { charset: 'utf8mb4', collation: 'utf8mb4_bin' }) },
          { name: 'language', type: 'varchar', length: '8' },
          { name: 'source', type: 'varchar', length: '16' },
          { name: 'text', type: 'text', isNullable: true },
          { name: 'duration_ms', type: 'int' },
          { name: 'size_bytes', type: 'int' },
          { name: 'sha256', type: 'varchar', length: '64' },
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [new TableIndex({ name: 'idx_prompts_name', columnNames: ['name'], isUnique: true })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('prompts');
  }
}
